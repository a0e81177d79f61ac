// Header auto-mapping on the real header layouts of the tools businesses export from, and manual mappings.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { headerLanguage } from '../../../contacts/import/header-words.ts';
import { guessField, missingFields, suggestMapping, validateMapping } from '../../../contacts/import/index.ts';

const mapped = (headers: string) => {
  const m = suggestMapping(headers.split(','));
  return Object.fromEntries(Object.entries(m).filter(([, f]) => f !== null));
};

describe('auto-mapping of real export layouts', () => {
  it('Google Contacts (current CSV)', () => {
    expect(
      mapped(
        'First Name,Middle Name,Last Name,Phonetic First Name,Phonetic Middle Name,Phonetic Last Name,Name Prefix,Name Suffix,Nickname,File As,Organization Name,Organization Title,Organization Department,Birthday,Notes,Photo,Labels,E-mail 1 - Label,E-mail 1 - Value,E-mail 2 - Label,E-mail 2 - Value,Phone 1 - Label,Phone 1 - Value,Address 1 - Label,Address 1 - Formatted,Address 1 - Street,Address 1 - City,Address 1 - PO Box,Address 1 - Region,Address 1 - Postal Code,Address 1 - Country,Address 1 - Extended Address',
      ),
    ).toEqual({
      'First Name': 'firstName',
      'Middle Name': 'middleName',
      'Last Name': 'lastName',
      'Organization Name': 'businessName',
      Notes: 'notes',
      Labels: 'tags',
      'E-mail 1 - Value': 'email',
      'Phone 1 - Value': 'phone',
      'Address 1 - Street': 'address.line1',
      'Address 1 - City': 'address.city',
      'Address 1 - Region': 'address.region',
      'Address 1 - Postal Code': 'address.postalCode',
      'Address 1 - Country': 'address.country',
      'Address 1 - Extended Address': 'address.line2',
    });
  });

  it('Google Contacts (older CSV with Given/Family Name and Group Membership)', () => {
    expect(
      mapped(
        'Name,Given Name,Additional Name,Family Name,Yomi Name,Given Name Yomi,Additional Name Yomi,Family Name Yomi,Name Prefix,Name Suffix,Initials,Nickname,Short Name,Maiden Name,Birthday,Gender,Location,Billing Information,Directory Server,Mileage,Occupation,Hobby,Sensitivity,Priority,Subject,Notes,Language,Photo,Group Membership,E-mail 1 - Type,E-mail 1 - Value,Phone 1 - Type,Phone 1 - Value,Organization 1 - Type,Organization 1 - Name',
      ),
    ).toEqual({
      'Given Name': 'firstName',
      'Additional Name': 'middleName',
      'Family Name': 'lastName',
      Notes: 'notes',
      'Group Membership': 'tags',
      'E-mail 1 - Value': 'email',
      'Phone 1 - Value': 'phone',
      'Organization 1 - Name': 'businessName',
    });
  });

  it('Outlook: the mobile column wins over primary, home and business phones', () => {
    const m = mapped(
      "First Name,Middle Name,Last Name,Title,Suffix,Initials,Web Page,Gender,Birthday,Anniversary,Location,Language,Internet Free Busy,Notes,E-mail Address,E-mail 2 Address,E-mail 3 Address,Primary Phone,Home Phone,Home Phone 2,Mobile Phone,Pager,Home Fax,Home Address,Home Street,Home Street 2,Home Street 3,Home Address PO Box,Home City,Home State,Home Postal Code,Home Country,Spouse,Children,Manager's Name,Assistant's Name,Referred By,Company Main Phone,Business Phone,Business Phone 2,Business Fax,Assistant's Phone,Company,Job Title,Department,Office Location,Organizational ID Number,Profession,Account,Business Address,Business Street,Business City,Business State,Business Postal Code,Business Country,Other Phone,Categories",
    );
    expect(m).toEqual({
      'First Name': 'firstName',
      'Middle Name': 'middleName',
      'Last Name': 'lastName',
      Notes: 'notes',
      'E-mail Address': 'email',
      'Mobile Phone': 'phone',
      // The other phone columns: their numbers are kept in notes.
      'Primary Phone': 'otherPhone',
      'Home Phone': 'otherPhone',
      'Home Phone 2': 'otherPhone',
      'Company Main Phone': 'otherPhone',
      'Business Phone': 'otherPhone',
      'Business Phone 2': 'otherPhone',
      "Assistant's Phone": 'otherPhone',
      'Other Phone': 'otherPhone',
      'Home Street': 'address.line1',
      'Home Street 2': 'address.line2',
      'Home City': 'address.city',
      'Home State': 'address.region',
      'Home Postal Code': 'address.postalCode',
      'Home Country': 'address.country',
      Company: 'businessName',
      Categories: 'tags',
    });
  });

  it('HubSpot', () => {
    expect(
      mapped(
        'Record ID,First Name,Last Name,Email,Phone Number,Mobile Phone Number,Company Name,Street Address,City,State/Region,Postal Code,Country/Region,Contact owner,Lifecycle Stage,Lead Status,Create Date,Last Activity Date',
      ),
    ).toEqual({
      'First Name': 'firstName',
      'Last Name': 'lastName',
      Email: 'email',
      'Mobile Phone Number': 'phone',
      'Phone Number': 'otherPhone',
      'Company Name': 'businessName',
      'Street Address': 'address.line1',
      City: 'address.city',
      'State/Region': 'address.region',
      'Postal Code': 'address.postalCode',
      'Country/Region': 'address.country',
    });
  });

  it('Salesforce', () => {
    expect(
      mapped(
        'Contact ID,Salutation,First Name,Last Name,Title,Account Name,Mailing Street,Mailing City,Mailing State/Province,Mailing Zip/Postal Code,Mailing Country,Phone,Mobile,Fax,Email,Email Opt Out,Contact Owner,Lead Source,Description,Created Date',
      ),
    ).toEqual({
      'First Name': 'firstName',
      'Last Name': 'lastName',
      'Account Name': 'businessName',
      'Mailing Street': 'address.line1',
      'Mailing City': 'address.city',
      'Mailing State/Province': 'address.region',
      'Mailing Zip/Postal Code': 'address.postalCode',
      'Mailing Country': 'address.country',
      Mobile: 'phone',
      Phone: 'otherPhone',
      Email: 'email',
      Description: 'notes',
    });
  });

  it('Mailchimp', () => {
    expect(
      mapped(
        'Email Address,First Name,Last Name,Address,Phone Number,Birthday,Company,TAGS,MEMBER_RATING,OPTIN_TIME,OPTIN_IP,CONFIRM_TIME,CONFIRM_IP,LATITUDE,LONGITUDE,GMTOFF,DSTOFF,TIMEZONE,CC,LAST_CHANGED,LEID,EUID,NOTES',
      ),
    ).toEqual({
      'Email Address': 'email',
      'First Name': 'firstName',
      'Last Name': 'lastName',
      Address: 'address',
      'Phone Number': 'phone',
      Company: 'businessName',
      TAGS: 'tags',
      NOTES: 'notes',
    });
  });

  it('an Excel sheet with one name column and billing columns', () => {
    expect(
      mapped('Name,Tel,E-Mail,Billing Street,Billing City,Billing Postcode,Billing Country,Post Code,Assigned Agent'),
    ).toEqual({
      Name: 'fullName',
      Tel: 'phone',
      'E-Mail': 'email',
      'Billing Street': 'billingAddress.line1',
      'Billing City': 'billingAddress.city',
      'Billing Postcode': 'billingAddress.postalCode',
      'Billing Country': 'billingAddress.country',
      'Post Code': 'address.postalCode',
      'Assigned Agent': 'assignedAgent',
    });
  });

  it('matches case-, space- and punctuation-insensitively, forgives a typo, never guesses wildly', () => {
    expect(guessField('  FIRST_name ')?.field).toBe('firstName');
    expect(guessField('e.mail')?.field).toBe('email');
    expect(guessField('Frist Name')?.field).toBe('firstName');
    expect(guessField('Customer E-mail')?.field).toBe('email');
    expect(guessField('Photo')).toBeUndefined();
    expect(guessField('Favourite colour')).toBeUndefined();
    expect(guessField('ID')).toBeUndefined();
    expect(guessField('Phone 1 - Type')).toBeUndefined();
  });
});

describe('manual mapping', () => {
  const headers = ['Col A', 'Col B', 'Col C', 'Col D'];

  it('maps any column to any field and ignores the rest', () => {
    expect(validateMapping(headers, { 'Col A': 'lastName', 'Col B': 'firstName', 'Col D': 'phone' })).toEqual({
      'Col A': 'lastName',
      'Col B': 'firstName',
      'Col C': null,
      'Col D': 'phone',
    });
  });

  it('refuses to start without first name, last name, and phone or email, saying what is missing', () => {
    expect(() => validateMapping(headers, { 'Col A': 'firstName' })).toThrow(/must include lastName, phone or email/);
    expect(missingFields({ 'Col A': 'fullName', 'Col B': 'email' })).toEqual([]);
    expect(missingFields({ 'Col A': 'firstName', 'Col B': 'lastName' })).toEqual(['phone or email']);
  });

  it('refuses unknown columns, unknown fields and one field on two columns', () => {
    expect(() => validateMapping(headers, { Nope: 'email' })).toThrow(/no column "Nope"/);
    expect(() => validateMapping(headers, { 'Col A': 'shoeSize' })).toThrow(/"shoeSize" is not a field/);
    expect(() => validateMapping(headers, { 'Col A': 'email', 'Col B': 'email' })).toThrow(/both mapped to email/);
  });
});

describe('hand-made sheets and headers in the languages of Baton businesses', () => {
  const layout = (file: string) =>
    readFileSync(path.join(import.meta.dirname, 'fixtures', 'layouts', file), 'utf8')
      .split('\n')[0]!
      .split(',');
  const mappedFile = (file: string, country: string) =>
    Object.fromEntries(Object.entries(suggestMapping(layout(file), { country })).filter(([, f]) => f !== null));

  it('"name" beside "surname" is the first name; mobile, cell, e-mail, mail, company, organisation', () => {
    expect(mapped('name,surname,mobile,e-mail,company')).toEqual({
      name: 'firstName',
      surname: 'lastName',
      mobile: 'phone',
      'e-mail': 'email',
      company: 'businessName',
    });
    expect(mapped('Name,Surname,Cell,Mail,Organisation')).toMatchObject({
      Name: 'firstName',
      Cell: 'phone',
      Mail: 'email',
      Organisation: 'businessName',
    });
    // Alone, a name column is the full name; beside a first-name column it is the last name.
    expect(mapped('Name,Email')).toEqual({ Name: 'fullName', Email: 'email' });
    expect(mapped('First name,Name,Email')).toEqual({ 'First name': 'firstName', Name: 'lastName', Email: 'email' });
  });

  it('a hand-made English sheet: address, billing address, assigned agent, tags / labels / groups, two phones', () => {
    expect(mappedFile('hand-made-en.csv', 'GB')).toEqual({
      name: 'firstName',
      surname: 'lastName',
      mobile: 'phone',
      'home phone': 'otherPhone',
      'e-mail': 'email',
      company: 'businessName',
      address: 'address',
      'assigned agent': 'assignedAgent',
      labels: 'tags',
    });
    expect(mapped('Billing address,Groups,Tags,Phone')).toMatchObject({ 'Billing address': 'billingAddress' });
    for (const word of ['Tags', 'Labels', 'Groups']) expect(mapped(`${word},Phone`)[word]).toBe('tags');
  });

  it('German', () => {
    expect(mappedFile('de.csv', 'DE')).toEqual({
      Vorname: 'firstName',
      Name: 'lastName',
      Handy: 'phone',
      Telefon: 'otherPhone',
      'E-Mail-Adresse': 'email',
      Firma: 'businessName',
      Anschrift: 'address',
      Zuständig: 'assignedAgent',
      Gruppen: 'tags',
      Notizen: 'notes',
    });
    expect(mapped('Straße,PLZ,Ort,Bundesland,Land,Rechnungsadresse')).toEqual({
      Straße: 'address.line1',
      PLZ: 'address.postalCode',
      Ort: 'address.city',
      Bundesland: 'address.region',
      Land: 'address.country',
      Rechnungsadresse: 'billingAddress',
    });
  });

  it('French', () => {
    expect(mappedFile('fr.csv', 'FR')).toEqual({
      Prénom: 'firstName',
      Nom: 'lastName',
      Portable: 'phone',
      'Téléphone fixe': 'otherPhone',
      Courriel: 'email',
      Société: 'businessName',
      Adresse: 'address',
      Responsable: 'assignedAgent',
      Étiquettes: 'tags',
      Remarques: 'notes',
    });
    expect(mapped('Rue,Code postal,Ville,Région,Pays,Adresse de facturation')).toEqual({
      Rue: 'address.line1',
      'Code postal': 'address.postalCode',
      Ville: 'address.city',
      Région: 'address.region',
      Pays: 'address.country',
      'Adresse de facturation': 'billingAddress',
    });
  });

  it('Spanish', () => {
    expect(mappedFile('es.csv', 'ES')).toEqual({
      Nombre: 'firstName',
      Apellidos: 'lastName',
      Móvil: 'phone',
      Teléfono: 'otherPhone',
      'Correo electrónico': 'email',
      Empresa: 'businessName',
      Dirección: 'address',
      'Agente asignado': 'assignedAgent',
      Etiquetas: 'tags',
      Notas: 'notes',
    });
    expect(mapped('Calle,Código postal,Ciudad,Provincia,País,Dirección de facturación')).toEqual({
      Calle: 'address.line1',
      'Código postal': 'address.postalCode',
      Ciudad: 'address.city',
      Provincia: 'address.region',
      País: 'address.country',
      'Dirección de facturación': 'billingAddress',
    });
  });

  it('Italian', () => {
    expect(mappedFile('it.csv', 'IT')).toEqual({
      Nome: 'firstName',
      Cognome: 'lastName',
      Cellulare: 'phone',
      Telefono: 'otherPhone',
      Email: 'email',
      Azienda: 'businessName',
      Indirizzo: 'address',
      CAP: 'address.postalCode',
      Città: 'address.city',
      Provincia: 'address.region',
      Paese: 'address.country',
      Referente: 'assignedAgent',
      Gruppi: 'tags',
      Note: 'notes',
    });
  });

  it('Portuguese', () => {
    expect(mappedFile('pt.csv', 'BR')).toEqual({
      Nome: 'firstName',
      Sobrenome: 'lastName',
      Celular: 'phone',
      Telefone: 'otherPhone',
      'E-mail': 'email',
      Empresa: 'businessName',
      Endereço: 'address',
      Estado: 'address.region',
      Responsável: 'assignedAgent',
      Marcadores: 'tags',
      Observações: 'notes',
    });
    expect(mapped('Rua,CEP,Cidade,País,Endereço de cobrança')).toEqual({
      Rua: 'address.line1',
      CEP: 'address.postalCode',
      Cidade: 'address.city',
      País: 'address.country',
      'Endereço de cobrança': 'billingAddress',
    });
  });

  it('Dutch', () => {
    expect(mappedFile('nl.csv', 'NL')).toEqual({
      Voornaam: 'firstName',
      Tussenvoegsel: 'middleName',
      Achternaam: 'lastName',
      Mobiel: 'phone',
      Telefoon: 'otherPhone',
      'E-mailadres': 'email',
      Bedrijf: 'businessName',
      Adres: 'address',
      Medewerker: 'assignedAgent',
      Groepen: 'tags',
      Opmerkingen: 'notes',
    });
    expect(mapped('Straat,Postcode,Plaats,Provincie,Land,Factuuradres')).toEqual({
      Straat: 'address.line1',
      Postcode: 'address.postalCode',
      Plaats: 'address.city',
      Provincie: 'address.region',
      Land: 'address.country',
      Factuuradres: 'billingAddress',
    });
  });

  it("the file's own words choose the language, the business's country breaks a tie", () => {
    // "Estado" is a Brazilian state, but in a Spanish sheet it is more often a status: not guessed there.
    expect(suggestMapping(['Nombre', 'Apellidos', 'Móvil', 'Estado'], { country: 'BR' }).Estado).toBeNull();
    expect(suggestMapping(['Nome', 'Sobrenome', 'Celular', 'Estado'], { country: 'ES' }).Estado).toBe('address.region');
    expect(headerLanguage(['nome', 'cognome'], 'BR')).toBe('it');
    expect(headerLanguage(['nome'], 'BR')).toBe('pt');
    expect(headerLanguage(['nome'], 'IT')).toBe('it');
    expect(headerLanguage([], 'NL')).toBe('nl');
    expect(headerLanguage([], 'GB')).toBeUndefined();
  });

  it('several phone columns may be mapped to otherPhone by hand; other fields still once', () => {
    const headers = ['First', 'Last', 'Mobile', 'Home', 'Work'];
    expect(
      validateMapping(headers, {
        First: 'firstName',
        Last: 'lastName',
        Mobile: 'phone',
        Home: 'otherPhone',
        Work: 'otherPhone',
      }),
    ).toMatchObject({ Home: 'otherPhone', Work: 'otherPhone' });
  });
});
