// Column headers in the languages of Baton's businesses (German, French, Spanish, Italian, Portuguese, Dutch), as
// normalised keys (headerKey: lower case, no accents, no spaces or punctuation) with a rank, like the English ones in
// mapping.ts. Words for "name" alone ("Name", "Nom", "Nombre", "Nome", "Naam") are `fullName`: beside a first-name
// column such a column is the last name, beside a last-name column the first name (suggestMapping decides).
import type { Field } from './fields.ts';

export const LANGUAGES = ['de', 'fr', 'es', 'it', 'pt', 'nl'] as const;
export type Language = (typeof LANGUAGES)[number];

type Words = Partial<Record<Field, Record<string, number>>>;

export const HEADER_WORDS: Record<Language, Words> = {
  de: {
    firstName: { vorname: 3, rufname: 2, vornamen: 3 },
    middleName: { zweitervorname: 3, weiterevornamen: 3 },
    lastName: { nachname: 3, familienname: 3, zuname: 2 },
    fullName: { name: 3, vollstandigername: 3, kontaktname: 2, kundenname: 2 },
    email: { emailadresse: 3, mailadresse: 2, email: 3 },
    phone: {
      handy: 5,
      handynummer: 5,
      mobil: 5,
      mobilnummer: 5,
      mobiltelefon: 5,
      mobilfunknummer: 5,
      telefon: 3,
      telefonnummer: 3,
      festnetz: 2,
    },
    otherPhone: { telefongeschaftlich: 1, telefonprivat: 1, telefon2: 1 },
    businessName: { firma: 3, unternehmen: 3, firmenname: 3, organisation: 3, betrieb: 2 },
    address: { adresse: 3, anschrift: 3, postanschrift: 3 },
    'address.line1': { strasse: 3, strasseundhausnummer: 3, strassehausnummer: 3 },
    'address.line2': { adresszusatz: 3, zusatz: 2 },
    'address.city': { ort: 3, stadt: 3, wohnort: 3 },
    'address.region': { bundesland: 3, kanton: 3, region: 3 },
    'address.postalCode': { plz: 3, postleitzahl: 3 },
    'address.country': { land: 3, staat: 2 },
    billingAddress: { rechnungsadresse: 3, rechnungsanschrift: 3 },
    'billingAddress.line1': { rechnungsstrasse: 3 },
    'billingAddress.city': { rechnungsort: 3 },
    'billingAddress.postalCode': { rechnungsplz: 3, rechnungspostleitzahl: 3 },
    'billingAddress.country': { rechnungsland: 3 },
    tags: { schlagworte: 3, stichworte: 3, gruppen: 3, gruppe: 2, kategorien: 3, kategorie: 2, etiketten: 3 },
    notes: { notizen: 3, notiz: 3, bemerkungen: 3, bemerkung: 3, kommentar: 2, anmerkungen: 2 },
    assignedAgent: { zustandig: 3, zustandigkeit: 2, betreuer: 3, zugewiesenan: 3, zugewiesen: 2, bearbeiter: 2 },
  },
  fr: {
    firstName: { prenom: 3, prenoms: 3 },
    middleName: { deuxiemeprenom: 3, autresprenoms: 3 },
    lastName: { nomdefamille: 3, patronyme: 2 },
    fullName: { nom: 3, nomcomplet: 3, nomducontact: 2, nomduclient: 2 },
    email: { courriel: 3, adressecourriel: 3, adressemail: 3, adresseemail: 3, mel: 2, email: 3 },
    phone: {
      portable: 5,
      telephoneportable: 5,
      mobile: 5,
      gsm: 5,
      telephone: 3,
      numerodetelephone: 3,
      tel: 2,
    },
    otherPhone: { telephonefixe: 1, fixe: 1, telephonebureau: 1 },
    businessName: { entreprise: 3, societe: 3, raisonsociale: 3, organisation: 3, nomdelentreprise: 3 },
    address: { adresse: 3, adressepostale: 3 },
    'address.line1': { rue: 3, adresseligne1: 3, numeroetrue: 3 },
    'address.line2': { complementdadresse: 3, adresseligne2: 3 },
    'address.city': { ville: 3, commune: 2, localite: 2 },
    'address.region': { region: 3, departement: 2, province: 2, canton: 2 },
    'address.postalCode': { codepostal: 3, cp: 2 },
    'address.country': { pays: 3 },
    billingAddress: { adressedefacturation: 3 },
    'billingAddress.city': { villedefacturation: 3 },
    'billingAddress.postalCode': { codepostaldefacturation: 3 },
    'billingAddress.country': { paysdefacturation: 3 },
    tags: { etiquettes: 3, etiquette: 2, groupes: 3, groupe: 2, categories: 3, libelles: 2, motscles: 2 },
    notes: { remarques: 3, commentaires: 3, commentaire: 2, remarque: 2, notes: 3 },
    assignedAgent: { agentassigne: 3, attribuea: 3, assignea: 3, responsable: 2, conseiller: 2, commercial: 2 },
  },
  es: {
    firstName: { nombres: 3, primernombre: 3, nombredepila: 3 },
    middleName: { segundonombre: 3 },
    lastName: { apellido: 3, apellidos: 3, primerapellido: 3 },
    fullName: { nombre: 3, nombrecompleto: 3, nombredelcontacto: 2, nombredelcliente: 2 },
    email: { correo: 3, correoelectronico: 3, email: 3, mail: 2 },
    phone: { movil: 5, celular: 5, telefonomovil: 5, telefonocelular: 5, whatsapp: 5, telefono: 3, tel: 2 },
    otherPhone: { telefonofijo: 1, fijo: 1, telefonotrabajo: 1 },
    businessName: { empresa: 3, compania: 3, organizacion: 3, razonsocial: 3, negocio: 2 },
    address: { direccion: 3, domicilio: 3, direccionpostal: 3 },
    'address.line1': { calle: 3, calleynumero: 3 },
    'address.line2': { direccion2: 3, piso: 2 },
    'address.city': { ciudad: 3, localidad: 3, poblacion: 2, municipio: 2 },
    'address.region': { provincia: 3, region: 3, comunidadautonoma: 2 },
    'address.postalCode': { codigopostal: 3, cp: 2 },
    'address.country': { pais: 3 },
    billingAddress: { direcciondefacturacion: 3 },
    'billingAddress.city': { ciudaddefacturacion: 3 },
    'billingAddress.postalCode': { codigopostaldefacturacion: 3 },
    'billingAddress.country': { paisdefacturacion: 3 },
    tags: { etiquetas: 3, etiqueta: 2, grupos: 3, grupo: 2, categorias: 3, categoria: 2 },
    notes: { notas: 3, nota: 3, comentarios: 3, observaciones: 3 },
    assignedAgent: { agenteasignado: 3, asignadoa: 3, responsable: 2, agente: 2, comercial: 2, vendedor: 1 },
  },
  it: {
    firstName: { primonome: 3 },
    middleName: { secondonome: 3 },
    lastName: { cognome: 3 },
    fullName: { nome: 3, nomecompleto: 3, nominativo: 3, nomecliente: 2 },
    email: { postaelettronica: 3, indirizzoemail: 3, email: 3, mail: 2 },
    phone: { cellulare: 5, telefonocellulare: 5, mobile: 5, telefono: 3, numeroditelefono: 3, tel: 2 },
    otherPhone: { telefonofisso: 1, fisso: 1, telefonoufficio: 1 },
    businessName: { azienda: 3, societa: 3, ditta: 3, ragionesociale: 3, impresa: 2 },
    address: { indirizzo: 3, recapito: 2 },
    'address.line1': { via: 3, viaecivico: 3 },
    'address.city': { citta: 3, comune: 3, localita: 2 },
    'address.region': { provincia: 3, regione: 3 },
    'address.postalCode': { cap: 3, codicepostale: 3 },
    'address.country': { paese: 3, nazione: 3 },
    billingAddress: { indirizzodifatturazione: 3 },
    'billingAddress.city': { cittadifatturazione: 3 },
    'billingAddress.postalCode': { capdifatturazione: 3 },
    tags: { etichette: 3, etichetta: 2, gruppi: 3, gruppo: 2, categorie: 3, categoria: 2 },
    notes: { note: 3, commenti: 3, osservazioni: 2, annotazioni: 2 },
    assignedAgent: { agenteassegnato: 3, assegnatoa: 3, responsabile: 2, referente: 2, operatore: 2 },
  },
  pt: {
    firstName: { primeironome: 3, prenome: 3 },
    middleName: { nomedomeio: 3 },
    lastName: { sobrenome: 3, apelido: 3, ultimonome: 3 },
    fullName: { nome: 3, nomecompleto: 3, nomedocliente: 2, nomedocontato: 2 },
    email: { correioeletronico: 3, enderecodeemail: 3, email: 3 },
    phone: { celular: 5, telemovel: 5, movel: 5, telefonecelular: 5, whatsapp: 5, telefone: 3, tel: 2 },
    otherPhone: { telefonefixo: 1, fixo: 1, telefonecomercial: 1 },
    businessName: { empresa: 3, companhia: 3, organizacao: 3, razaosocial: 3 },
    address: { endereco: 3, morada: 3 },
    'address.line1': { rua: 3, logradouro: 3 },
    'address.line2': { complemento: 3 },
    'address.city': { cidade: 3, localidade: 3, municipio: 2 },
    'address.region': { estado: 3, distrito: 3, regiao: 3, uf: 3 },
    'address.postalCode': { cep: 3, codigopostal: 3 },
    'address.country': { pais: 3 },
    billingAddress: { enderecodecobranca: 3, enderecodefaturamento: 3, moradadefaturacao: 3 },
    'billingAddress.city': { cidadedecobranca: 3 },
    'billingAddress.postalCode': { cepdecobranca: 3 },
    tags: { etiquetas: 3, marcadores: 3, grupos: 3, grupo: 2, categorias: 3 },
    notes: { notas: 3, observacoes: 3, comentarios: 3, obs: 2 },
    assignedAgent: { agenteatribuido: 3, atribuidoa: 3, responsavel: 2, atendente: 2, vendedor: 1 },
  },
  nl: {
    firstName: { voornaam: 3, roepnaam: 2, voornamen: 3 },
    middleName: { tussenvoegsel: 3 },
    lastName: { achternaam: 3, familienaam: 3 },
    fullName: { naam: 3, volledigenaam: 3, contactnaam: 2, klantnaam: 2 },
    email: { emailadres: 3, mailadres: 2, email: 3 },
    phone: { mobiel: 5, mobielnummer: 5, mobieletelefoon: 5, gsm: 5, telefoon: 3, telefoonnummer: 3, tel: 2 },
    otherPhone: { vastnummer: 1, telefoonwerk: 1, vastetelefoon: 1 },
    businessName: { bedrijf: 3, bedrijfsnaam: 3, organisatie: 3, firma: 2 },
    address: { adres: 3, postadres: 3 },
    'address.line1': { straat: 3, straatenhuisnummer: 3, straatnaam: 3 },
    'address.line2': { toevoeging: 2, adresregel2: 3 },
    'address.city': { plaats: 3, woonplaats: 3, stad: 3, gemeente: 2 },
    'address.region': { provincie: 3, regio: 2 },
    'address.postalCode': { postcode: 3 },
    'address.country': { land: 3 },
    billingAddress: { factuuradres: 3 },
    'billingAddress.city': { factuurplaats: 3 },
    'billingAddress.postalCode': { factuurpostcode: 3 },
    tags: { labels: 3, groepen: 3, groep: 2, categorieen: 3, categorie: 2, trefwoorden: 2 },
    notes: { notities: 3, opmerkingen: 3, notitie: 2, opmerking: 2 },
    assignedAgent: { toegewezenaan: 3, medewerker: 2, accountmanager: 2, behandelaar: 2, contactpersoon: 1 },
  },
};

/** The language of the business's country, when it is one of these (Switzerland and Belgium: German and French). */
const BY_COUNTRY: Record<string, Language> = {
  DE: 'de',
  AT: 'de',
  CH: 'de',
  LI: 'de',
  LU: 'fr',
  FR: 'fr',
  BE: 'fr',
  MC: 'fr',
  SN: 'fr',
  CI: 'fr',
  MA: 'fr',
  TN: 'fr',
  CA: 'fr',
  ES: 'es',
  MX: 'es',
  AR: 'es',
  CO: 'es',
  CL: 'es',
  PE: 'es',
  VE: 'es',
  EC: 'es',
  GT: 'es',
  CU: 'es',
  BO: 'es',
  DO: 'es',
  HN: 'es',
  PY: 'es',
  SV: 'es',
  NI: 'es',
  CR: 'es',
  PA: 'es',
  UY: 'es',
  PR: 'es',
  IT: 'it',
  SM: 'it',
  VA: 'it',
  PT: 'pt',
  BR: 'pt',
  AO: 'pt',
  MZ: 'pt',
  CV: 'pt',
  NL: 'nl',
  SR: 'nl',
};

/** Header key → field and rank, per language (built once). */
const INDEX: Record<Language, Map<string, { field: Field; rank: number }>> = Object.fromEntries(
  LANGUAGES.map((lang) => {
    const index = new Map<string, { field: Field; rank: number }>();
    for (const [field, words] of Object.entries(HEADER_WORDS[lang]) as [Field, Record<string, number>][]) {
      for (const [word, rank] of Object.entries(words)) index.set(word, { field, rank });
    }
    return [lang, index];
  }),
) as Record<Language, Map<string, { field: Field; rank: number }>>;

/**
 * The language of a file's headers: the one with most header keys of its own (words shared by several languages
 * count for each), the business country's language on a tie, undefined when no header is in any of them.
 */
export function headerLanguage(keys: readonly string[], country?: string): Language | undefined {
  const home = country ? BY_COUNTRY[country.toUpperCase()] : undefined;
  let best: Language | undefined;
  let bestCount = 0;
  for (const lang of LANGUAGES) {
    let count = 0;
    for (const key of keys) if (INDEX[lang].has(key)) count++;
    if (count > bestCount || (count === bestCount && count > 0 && lang === home)) {
      best = lang;
      bestCount = count;
    }
  }
  return best ?? home;
}

/** The field `key` names in `lang`, or in any language when `lang` is undefined (then the highest rank). */
export function wordField(key: string, lang: Language | undefined): { field: Field; rank: number } | undefined {
  if (lang) return INDEX[lang].get(key);
  let best: { field: Field; rank: number } | undefined;
  for (const l of LANGUAGES) {
    const hit = INDEX[l].get(key);
    if (hit && (!best || hit.rank > best.rank)) best = hit;
  }
  return best;
}
