// Baton agent console: vanilla JS, no framework. Every text from the API goes into the DOM through textContent
// (the el() helper); nothing customer-written is ever parsed as HTML.
'use strict';
/* global document, sessionStorage, TextDecoderStream */
(() => {
  const API = '/api/v1';
  const STORE = 'baton.console';
  const $ = (id) => document.getElementById(id);

  const state = {
    session: null, // {token, user: {id, businessId, role}, email}
    queue: 'waiting',
    selectedId: null,
    conversation: null,
    agents: new Map(), // id → name
    stream: null, // AbortController of the SSE fetch
    whatsappTimer: null,
    reloadTimer: null,
  };

  /** An element with attributes and children; strings become text nodes. */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') node.className = v;
      else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, String(v));
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      node.append(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
    }
    return node;
  }

  class ApiError extends Error {
    constructor(status, body) {
      super((body && body.error && body.error.message) || `HTTP ${status}`);
      this.status = status;
      this.body = body;
    }
  }

  async function api(method, path, body) {
    const headers = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (state.session) headers.authorization = `Bearer ${state.session.token}`;
    const res = await fetch(API + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let data;
    try {
      data = text ? JSON.parse(text) : undefined;
    } catch {
      data = undefined;
    }
    if (res.status === 401 && state.session && path !== '/auth/login') logout('Your session has ended; log in again.');
    if (!res.ok) throw new ApiError(res.status, data);
    return data;
  }

  const fmtTime = (iso) => {
    const d = new Date(iso);
    return Number.isNaN(d.getTime()) ? '' : d.toLocaleString();
  };
  const agentName = (id) => (id ? state.agents.get(id) || 'another agent' : null);

  // ---------- session ----------

  function loadSession() {
    try {
      const raw = sessionStorage.getItem(STORE);
      return raw ? JSON.parse(raw) : null;
    } catch {
      return null;
    }
  }

  async function login(event) {
    event.preventDefault();
    const form = event.currentTarget;
    const email = form.elements.email.value.trim();
    const password = form.elements.password.value;
    $('login-error').textContent = '';
    try {
      const res = await api('POST', '/auth/login', { email, password });
      state.session = { token: res.token, user: res.user, email };
      sessionStorage.setItem(STORE, JSON.stringify(state.session));
      form.reset();
      start();
    } catch (e) {
      $('login-error').textContent = e.status === 401 ? 'Wrong email or password.' : e.message;
    }
  }

  function logout(message) {
    sessionStorage.removeItem(STORE);
    state.session = null;
    if (state.stream) state.stream.abort();
    state.stream = null;
    clearInterval(state.whatsappTimer);
    state.selectedId = null;
    state.conversation = null;
    $('app').hidden = true;
    $('login').hidden = false;
    $('login-error').textContent = typeof message === 'string' ? message : '';
  }

  async function start() {
    $('login').hidden = true;
    $('app').hidden = false;
    const { user, email } = state.session;
    $('whoami').textContent = `${email || ''} (${user.role})`;
    try {
      const agents = await api('GET', '/agents');
      for (const a of agents.items) state.agents.set(a.id, a.name);
    } catch {
      /* names are a nicety */
    }
    if (user.role === 'admin') {
      $('whatsapp').hidden = false;
      refreshWhatsApp();
      state.whatsappTimer = setInterval(refreshWhatsApp, 5000);
    }
    loadQueue();
    openStream();
  }

  // ---------- queue ----------

  async function loadQueue() {
    const queue = state.queue;
    let items;
    try {
      items = (await api('GET', `/conversations?status=${queue}`)).items;
    } catch {
      return;
    }
    if (queue !== state.queue) return;
    const list = $('queue-list');
    list.replaceChildren(
      ...items.map((c) =>
        el(
          'li',
          {
            class: c.id === state.selectedId ? 'item selected' : 'item',
            'data-conversation': c.id,
            tabindex: 0,
            onclick: () => select(c.id),
            onkeydown: (e) => e.key === 'Enter' && select(c.id),
          },
          el(
            'div',
            { class: 'row' },
            el('strong', {}, c.contact.displayName),
            el('span', { class: `badge ${c.status}` }, c.status),
          ),
          el('div', { class: 'preview' }, c.lastMessage ? c.lastMessage.text : ''),
          el(
            'div',
            { class: 'muted small' },
            `${c.channel} · ${fmtTime(c.lastActivityAt)}`,
            c.assignedAgentId ? ` · ${agentName(c.assignedAgentId)}` : '',
          ),
        ),
      ),
    );
    if (items.length === 0) list.append(el('li', { class: 'empty' }, 'Nothing here.'));
  }

  function scheduleReload() {
    clearTimeout(state.reloadTimer);
    state.reloadTimer = setTimeout(loadQueue, 150);
  }

  // ---------- one conversation ----------

  async function select(id) {
    state.selectedId = id;
    for (const li of $('queue-list').children) li.classList.toggle('selected', li.dataset.conversation === id);
    $('conv-notice').textContent = '';
    await loadConversation();
  }

  async function loadConversation() {
    const id = state.selectedId;
    if (!id) return;
    let conv;
    try {
      conv = await api('GET', `/conversations/${encodeURIComponent(id)}`);
    } catch (e) {
      $('conv-notice').textContent = e.message;
      return;
    }
    if (id !== state.selectedId) return;
    state.conversation = conv;
    renderConversation();
    renderContact(conv.contactCard);
  }

  function renderConversation() {
    const conv = state.conversation;
    $('no-conversation').hidden = true;
    $('conversation').hidden = false;
    $('conv-title').textContent = conv.contact.displayName;
    const assigned = conv.assignedAgentId
      ? conv.assignedAgentId === state.session.user.id
        ? 'you'
        : agentName(conv.assignedAgentId)
      : 'nobody';
    $('conv-meta').textContent = `${conv.channel} · ${conv.status} · assigned to ${assigned}`;
    const mine = conv.status === 'human' && conv.assignedAgentId === state.session.user.id;
    $('claim').hidden = conv.status === 'closed' || mine;
    $('close').hidden = conv.status === 'closed';
    $('reply-form').hidden = conv.status === 'closed';
    $('messages').replaceChildren(...conv.messages.map(messageItem));
    scrollMessages();
  }

  function messageItem(m) {
    const who =
      m.author === 'agent'
        ? m.agentId === state.session.user.id
          ? 'You'
          : agentName(m.agentId) || 'Agent'
        : { customer: 'Customer', ai: 'AI', system: 'Baton' }[m.author] || m.author;
    return el(
      'li',
      { class: `msg ${m.direction} ${m.author}`, 'data-message': m.id },
      el('div', { class: 'muted small' }, `${who} · ${fmtTime(m.createdAt)}`),
      el('div', { class: 'text' }, m.text),
    );
  }

  const scrollMessages = () => {
    const box = $('messages');
    box.scrollTop = box.scrollHeight;
  };

  function appendMessage(message) {
    const conv = state.conversation;
    if (!conv || conv.messages.some((m) => m.id === message.id)) return;
    conv.messages.push(message);
    $('messages').append(messageItem(message));
    scrollMessages();
  }

  async function act(path, body) {
    const id = state.selectedId;
    if (!id) return null;
    $('conv-notice').textContent = '';
    try {
      return await api('POST', `/conversations/${encodeURIComponent(id)}/${path}`, body);
    } catch (e) {
      const claimedBy = e.body && e.body.error && e.body.error.details && e.body.error.details.claimedBy;
      $('conv-notice').textContent =
        e.status === 409 && claimedBy ? `${agentName(claimedBy)} has already claimed this conversation.` : e.message;
      return null;
    } finally {
      loadConversation();
      scheduleReload();
    }
  }

  async function reply(event) {
    event.preventDefault();
    const box = $('reply-text');
    const text = box.value.trim();
    if (!text) return;
    const sent = await act('messages', { text });
    if (sent) box.value = '';
  }

  // ---------- contact panel ----------

  function renderContact(card) {
    const dl = $('contact-card');
    $('contact-empty').hidden = Boolean(card);
    dl.hidden = !card;
    if (!card) return dl.replaceChildren();
    const rows = [
      ['Name', card.displayName],
      ['Business', card.businessName],
      ['Email', card.email],
      ['Phone', card.phone],
      ['Status', card.status],
      ['Channel', card.channel],
      ['Agent', card.assignedAgent ? card.assignedAgent.name : 'none'],
      ['Notes', card.notes],
    ];
    dl.replaceChildren(
      ...rows.flatMap(([k, v]) => [el('dt', {}, k), el('dd', { 'data-field': k.toLowerCase() }, v || '—')]),
      el('dt', {}, 'Tags'),
      el(
        'dd',
        { 'data-field': 'tags' },
        (card.tags || []).length ? card.tags.map((t) => el('span', { class: 'tag' }, t.name)) : '—',
      ),
    );
  }

  // ---------- contacts view ----------

  async function searchContacts(event) {
    if (event) event.preventDefault();
    const q = $('contact-query').value.trim();
    const rows = $('contact-rows');
    try {
      const res = await api('GET', `/contacts?limit=100${q ? `&search=${encodeURIComponent(q)}` : ''}`);
      rows.replaceChildren(
        ...res.items.map((c) =>
          el(
            'tr',
            { 'data-contact': c.id },
            el('td', {}, c.displayName),
            el('td', {}, c.email || ''),
            el('td', {}, c.phone || ''),
            el('td', {}, c.status),
            el(
              'td',
              {},
              (c.tags || []).map((t) => el('span', { class: 'tag' }, t.name)),
            ),
            el('td', {}, c.assignedAgent ? c.assignedAgent.name : ''),
          ),
        ),
      );
      if (res.items.length === 0) rows.append(el('tr', {}, el('td', { colspan: 6, class: 'empty' }, 'No contacts.')));
    } catch (e) {
      rows.replaceChildren(el('tr', {}, el('td', { colspan: 6, class: 'error' }, e.message)));
    }
  }

  // ---------- WhatsApp (admins) ----------

  async function refreshWhatsApp() {
    let s;
    try {
      s = await api('GET', '/channels/whatsapp');
    } catch (e) {
      $('whatsapp-state').textContent = e.status === 404 ? 'not available' : e.message;
      return;
    }
    const parts = [s.enabled ? s.state : 'disabled'];
    if (s.reason) parts.push(s.reason);
    if (s.qrSvg) parts.push('scan with WhatsApp → Linked devices');
    if (s.queued) parts.push(`${s.queued} queued`);
    $('whatsapp-state').textContent = parts.join(' · ');
    const img = $('whatsapp-qr');
    if (s.qrSvg) {
      // An <img> never runs script inside an SVG; the data: URL is allowed by the page's CSP.
      const src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(s.qrSvg)}`;
      if (img.getAttribute('src') !== src) img.setAttribute('src', src);
      img.hidden = false;
    } else {
      img.hidden = true;
      img.removeAttribute('src');
    }
  }

  // ---------- live stream (fetch + reader: EventSource cannot send the Authorization header) ----------

  async function openStream() {
    if (!state.session) return;
    const controller = new AbortController();
    state.stream = controller;
    try {
      const res = await fetch(`${API}/conversations/events`, {
        headers: { authorization: `Bearer ${state.session.token}`, accept: 'text/event-stream' },
        signal: controller.signal,
      });
      if (res.status === 401) return logout('Your session has ended; log in again.');
      if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value.replace(/\r\n/g, '\n');
        let cut;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          dispatch(block);
        }
      }
    } catch {
      /* dropped: reconnect below */
    }
    $('live').textContent = 'offline';
    $('live').classList.remove('on');
    if (state.stream === controller && !controller.signal.aborted) setTimeout(openStream, 2000);
  }

  function dispatch(block) {
    let type = 'message';
    const data = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') type = value;
      else if (field === 'data') data.push(value);
    }
    if (data.length === 0) return;
    let payload;
    try {
      payload = JSON.parse(data.join('\n'));
    } catch {
      return;
    }
    if (type === 'ready') {
      $('live').textContent = 'live';
      $('live').classList.add('on');
      scheduleReload(); // anything missed while disconnected
      if (state.selectedId) loadConversation();
    } else if (type === 'conversation') {
      scheduleReload();
      if (payload.conversationId === state.selectedId) loadConversation();
    } else if (type === 'message') {
      scheduleReload();
      if (payload.conversationId === state.selectedId && payload.message) appendMessage(payload.message);
    }
  }

  // ---------- wiring ----------

  function showView(view) {
    for (const b of document.querySelectorAll('[data-view]')) b.classList.toggle('active', b.dataset.view === view);
    $('view-conversations').hidden = view !== 'conversations';
    $('view-contacts').hidden = view !== 'contacts';
    if (view === 'contacts') searchContacts();
  }

  document.addEventListener('DOMContentLoaded', () => {
    $('login-form').addEventListener('submit', login);
    $('logout').addEventListener('click', () => logout());
    $('reply-form').addEventListener('submit', reply);
    $('reply-text').addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey) {
        e.preventDefault();
        $('reply-form').requestSubmit();
      }
    });
    $('claim').addEventListener('click', () => act('claim'));
    $('close').addEventListener('click', () => act('close'));
    $('contact-search').addEventListener('submit', searchContacts);
    for (const b of document.querySelectorAll('[data-queue]')) {
      b.addEventListener('click', () => {
        state.queue = b.dataset.queue;
        for (const t of document.querySelectorAll('[data-queue]')) t.classList.toggle('active', t === b);
        loadQueue();
      });
    }
    for (const b of document.querySelectorAll('[data-view]'))
      b.addEventListener('click', () => showView(b.dataset.view));

    state.session = loadSession();
    if (state.session) start();
    else $('login').hidden = false;
  });
})();
