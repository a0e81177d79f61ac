/* Baton webchat widget: <script src="https://baton.example.com/webchat.js" data-business="acme" async></script>
   Renders Microsoft's web chat (served by Baton, no CDN) against Baton's own Direct Line API. The visitor keeps the
   conversation across reloads (localStorage). Options (data-*): business (slug), container (element id to render
   into instead of the floating button), title. */
/* global window, document, localStorage, navigator, atob */
(function () {
  'use strict';
  var script = document.currentScript;
  if (!script || !script.src) return;
  var origin = new URL(script.src).origin;
  var domain = origin + '/v3/directline';
  var data = script.dataset || {};
  var business = data.business || '';
  var title = data.title || 'Chat with us';
  var storageKey = 'baton-webchat:' + origin + ':' + business;

  function load() {
    try {
      return JSON.parse(localStorage.getItem(storageKey) || 'null');
    } catch {
      return null;
    }
  }
  function save(session) {
    try {
      localStorage.setItem(storageKey, JSON.stringify(session));
    } catch {
      /* private mode: the conversation just won't survive a reload */
    }
  }

  function loadBundle() {
    if (window.WebChat) return Promise.resolve(window.WebChat);
    return new Promise(function (resolve, reject) {
      var s = document.createElement('script');
      s.src = origin + '/webchat/bundle.js';
      s.async = true;
      s.onload = function () {
        resolve(window.WebChat);
      };
      s.onerror = function () {
        reject(new Error('Baton webchat: cannot load the chat bundle'));
      };
      document.head.appendChild(s);
    });
  }

  /* Whether a token's expiry (its signed payload's `exp`, unix seconds) has passed, or is a few seconds off. */
  function expired(token) {
    try {
      var payload = String(token).split('.')[0].replace(/-/g, '+').replace(/_/g, '/');
      return JSON.parse(atob(payload)).exp * 1000 <= Date.now() + 5000;
    } catch {
      return false;
    }
  }

  /* Resume the saved conversation if its token still works; if it expired (the visitor was away), resume it with
     that token (within 30 days: the same conversation, the same contact); else start a new one. */
  function session() {
    var saved = load();
    var resumeWithToken = function () {
      return fetch(domain + '/tokens/resume', { method: 'POST', headers: { Authorization: 'Bearer ' + saved.token } });
    };
    var resume = saved
      ? (expired(saved.token)
          ? resumeWithToken()
          : fetch(domain + '/conversations/' + encodeURIComponent(saved.conversationId), {
              headers: { Authorization: 'Bearer ' + saved.token },
            }).then(function (r) {
              return r.ok ? r : resumeWithToken();
            })
        ).then(function (r) {
          if (!r.ok) return null;
          return r.json().then(function (j) {
            saved.token = j.token;
            save(saved);
            return saved;
          });
        })
      : Promise.resolve(null);
    return resume
      .catch(function () {
        return null;
      })
      .then(function (resumed) {
        if (resumed) return resumed;
        return fetch(domain + '/tokens/generate', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(business ? { business: business } : {}),
        }).then(function (r) {
          if (!r.ok) throw new Error('Baton webchat: cannot start a conversation (' + r.status + ')');
          return r.json().then(function (j) {
            var fresh = { conversationId: j.conversationId, token: j.token, userId: j.userId };
            save(fresh);
            return fresh;
          });
        });
      });
  }

  function keepTokenFresh(s) {
    setInterval(
      function () {
        fetch(domain + '/tokens/refresh', { method: 'POST', headers: { Authorization: 'Bearer ' + s.token } })
          .then(function (r) {
            return r.ok ? r.json() : null;
          })
          .then(function (j) {
            if (j && j.token) {
              s.token = j.token;
              save(s);
            }
          })
          .catch(function () {});
      },
      10 * 60 * 1000,
    );
  }

  function container() {
    if (data.container) return document.getElementById(data.container);
    var box = document.createElement('div');
    box.setAttribute('role', 'dialog');
    box.setAttribute('aria-label', title);
    box.style.cssText =
      'position:fixed;right:16px;bottom:84px;width:360px;max-width:calc(100vw - 32px);height:520px;max-height:calc(100vh - 120px);' +
      'background:#fff;border-radius:12px;box-shadow:0 8px 32px rgba(0,0,0,.25);overflow:hidden;display:none;z-index:2147483000';
    var button = document.createElement('button');
    button.type = 'button';
    button.textContent = title;
    button.setAttribute('aria-expanded', 'false');
    button.style.cssText =
      'position:fixed;right:16px;bottom:16px;height:52px;padding:0 20px;border:0;border-radius:26px;background:#0063b1;' +
      'color:#fff;font:600 15px system-ui,sans-serif;cursor:pointer;box-shadow:0 4px 16px rgba(0,0,0,.25);z-index:2147483000';
    button.onclick = function () {
      var open = box.style.display === 'none';
      box.style.display = open ? 'block' : 'none';
      button.setAttribute('aria-expanded', String(open));
    };
    document.body.appendChild(box);
    document.body.appendChild(button);
    return box;
  }

  function start() {
    var element = container();
    if (!element) return;
    Promise.all([loadBundle(), session()])
      .then(function (results) {
        var WebChat = results[0];
        var s = results[1];
        keepTokenFresh(s);
        WebChat.renderWebChat(
          {
            directLine: WebChat.createDirectLine({
              domain: domain,
              token: s.token,
              conversationId: s.conversationId,
              webSocket: true,
            }),
            userID: s.userId,
            locale: navigator.language || 'en-US',
            styleOptions: { hideUploadButton: true, botAvatarInitials: 'B', sendTimeout: 20000 },
          },
          element,
        );
      })
      .catch(function (e) {
        console.error(e);
        element.textContent = 'The chat is not available right now.';
      });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
