// The console's own words, in English and French (the same keys in both: `satisfies`, and
// test/examples/hub-console-texts.test.ts), and the language's Intl formats for amounts, dates
// and plurals. The API's messages come already written in the chosen language (Accept-Language).

export type Lang = 'en' | 'fr';

const plural = (lang: Lang, n: number, one: string, other: string) => (new Intl.PluralRules(lang).select(n) === 'one' ? one : other);

const en = {
  title: 'Quadra Sync — hub console',
  skip: 'Skip to the content',
  sub: 'hub console',
  clientFiles: 'Client files',
  loading: 'Loading…',
  noscript: 'The console needs JavaScript.',
  language: 'Language',
  tabs: { pending: 'Pending', sent: 'Sent', posted: 'Posted', failed_check: 'Failed check' },
  status: { pending: 'Pending', sent: 'Sent', posted: 'Posted', failed_check: 'Failed check' } as Record<string, string>,
  connection: { connected: 'Connected', failed: 'Connection failed', reconnect_required: 'Enter the keys again', none: 'Not connected' },
  keys: (cpa: string, cfe: string, when: string) => `CPA key ending in ${cpa}, CFE key ending in ${cfe}, checked ${when}`,
  service: { cpa: 'CPA', cfe: 'CFE' } as Record<string, string>,
  noFile: 'No client file yet: the reference sync has not brought any from Quadra.',
  filesCaption: 'Client files, their prerequisites and flags',
  dossier: 'Dossier',
  prerequisites: 'Prerequisites',
  flags: 'Flags',
  ready: 'Ready',
  waitingSince: (when: string) => `Waiting to be opened in Quadra since ${when}`,
  waitingLong: (when: string) => `Waiting to be opened in Quadra since ${when}: open the dossier in Quadra to import what was sent.`,
  gone: 'No longer in Quadra',
  fileActions: 'File actions',
  synchronize: 'Synchronize',
  synchronizing: 'Synchronizing…',
  preview: 'Preview the ASCII file',
  accountMap: 'Account map',
  accountsToCreate: 'Accounts to create',
  createdWithLabel: (list: string) => `Created in Quadra with their label: ${list}`,
  createTitle: 'Accounts to create in Quadra',
  createWithLabels: 'The next deposit creates them with the label shown (a C record each).',
  createBeforehand:
    'Quadra will create them without a label: create them in Quadra beforehand, or ask an administrator to have their labels sent.',
  createColumns: ['Account', 'Label', 'Type', 'Collective account', 'Entries', 'First date'],
  accountTypes: { C: 'Customer', F: 'Supplier', G: 'General' } as Record<string, string>,
  noneToCreate: 'None: Quadra has every account the waiting entries use.',
  refresh: 'Refresh',
  byStatus: 'Entries by status',
  noEntry: (tab: string) => `No entry in “${tab}”.`,
  entriesCaption: (tab: string) => `${tab} entries`,
  columns: ['Entry', 'Date', 'Journal', 'Label', 'Amount', 'Warnings', 'Nights'],
  twice: 'twice in Quadra',
  moreFollow: 'More entries follow (the API pages by cursor).',
  openEntry: (id: string) => `Open entry ${id}`,
  entry: (id: string) => `Entry ${id}`,
  close: 'Close',
  kinds: { purchase: 'Purchase', sale: 'Sale', expense_report: 'Expense report', bank: 'Bank' } as Record<string, string>,
  summary: (kind: string, journal: string, date: string, label: string, ref: string) =>
    `${kind} · journal ${journal} · ${date} · ${label} · reference ${ref}`,
  lines: 'Lines',
  lineColumns: ['#', 'Account', 'Label', 'Debit', 'Credit'],
  warnings: 'Warnings',
  none: 'None.',
  documents: (names: string) => `Supporting documents: ${names}`,
  attempts: 'Attempts',
  noAttempt: 'No attempt yet: it goes out at the next send.',
  night: (n: number) => `night ${n}`,
  steps: {
    'send:sent': 'Sent to Quadra',
    'send:held': 'Held back',
    'send:error': 'Not sent',
    'resend:sent': 'Sent again',
    'resend:held': 'Re-send held back',
    'resend:error': 'Re-send failed',
    'resend:replaced': 'Withdrawn and sent again',
    'verify:posted': 'Found in Quadra',
    'verify:not_found': 'Not found in Quadra',
    'verify:duplicate': 'Found more than once in Quadra',
    'verify:replaced': 'Earlier deposit withdrawn',
    'verify:error': 'Check could not run',
    'decide:failed_check': 'Failed its check',
    'decide:file_waiting': 'Waiting for the dossier to be opened',
    'revalidate:revalidated': 'Validated again',
  } as Record<string, string>,
  fixTitle: 'Fix and validate again',
  fixHelp: 'Correct what Quadra refused; validated again, the entry goes back to pending with a new reference.',
  journalCode: 'Journal code',
  date: 'Date',
  label: 'Label',
  account: 'Account',
  lineAccount: (n: number) => `Line ${n} account`,
  lineDebit: (n: number) => `Line ${n} debit (euros)`,
  lineCredit: (n: number) => `Line ${n} credit (euros)`,
  debitEuros: 'Debit (€)',
  creditEuros: 'Credit (€)',
  saveFix: 'Save the fix and validate again',
  previewTitle: 'What the next deposit holds',
  counts: (lang: Lang, entries: number, lines: number) =>
    `${entries} ${plural(lang, entries, 'entry', 'entries')}, ${lines} ${plural(lang, lines, 'line', 'lines')}.`,
  prerequisitesMet: 'Prerequisites met.',
  prerequisiteFails: 'A prerequisite fails: the deposit would be held.',
  asciiTitle: 'The exact ASCII file',
  asciiHelp:
    'Fixed-width, as Quadra reads it: scroll sideways for every column. Highlighted: the label (columns 22 and 117) and our reference (column 149).',
  nothingToSend: 'Nothing to send.',
  mapped: (list: string) => `Sent under another account: ${list}`,
  held: (id: string, reason: string) => `${id} held: ${reason}`,
  mapTitle: 'Account map',
  mapHelp:
    'Which Quadra account a hub account is sent as: the way out when two hub accounts would merge once cut to 8 characters. Administrators change it.',
  addMapping: 'Add a mapping',
  hubAccount: 'Hub account',
  quadraAccount: 'Quadra account (8 characters at most)',
  map: 'Map',
  mapColumns: ['Hub account', 'Quadra account', 'Quadra label', 'Action'],
  notInQuadra: 'Not in Quadra yet: created without a label at the next send. Create it in Quadra first to give it its label.',
  remove: 'Remove',
  removeMapping: (hub: string) => `Remove the mapping of ${hub}`,
  noMapping: 'No mapping: every account is sent as the hub numbers it (cut to 8 characters).',
  hubRequired: 'Enter the account as the hub numbers it.',
  hubInvalid: 'The hub account has 40 characters at most, without spaces around it.',
  quadraInvalid: (n: number) =>
    n > 8
      ? `A Quadra account has 8 characters at most; this one has ${n}. Choose an 8-character account (the format would cut it otherwise).`
      : 'A Quadra account has 1 to 8 characters, without spaces.',
  mappedDone: (hub: string, quadra: string) => `${hub} is now sent as ${quadra}.`,
  unknownWarning: (quadra: string) => `${quadra} is not in Quadra yet: it will be created without a label. Create it in Quadra first.`,
  unmappedDone: (hub: string) => `${hub} is sent as the hub numbers it again.`,
  refreshed: 'Refreshed.',
  synchronized: 'Synchronized: the deposit is made.',
  queued: 'Synchronization queued: the entries move to Sent once it is deposited.',
  revalidated: (id: string, status: string, ref: string) => `Entry ${id} is ${status} again, reference ${ref}.`,
  noFirm: 'You belong to no firm yet: an administrator creates it and connects it to Cegid Quadra.',
  firm: 'Firm',
  nothing: 'Nothing to show: see the message above.',
  refused: (origin: string, api: string) =>
    `Refused: this page (${origin}) got no answer it may read from the API at ${api}. Either the API is not running, or it does not allow this origin: add ${origin} to CORS_ORIGINS.`,
  unexpected: (what: string) => `Unexpected: ${what}`,
  tokenTitle: 'Access token',
  tokenLabel: 'A Supabase access token of the user (npm run -s token gives a development one)',
  tokenUse: 'Use this token',
  signIn: 'Sign in',
  email: 'Email',
  password: 'Password',
};

export type Texts = typeof en;

const fr = {
  title: 'Quadra Sync — console du hub',
  skip: 'Aller au contenu',
  sub: 'console du hub',
  clientFiles: 'Dossiers clients',
  loading: 'Chargement…',
  noscript: 'La console a besoin de JavaScript.',
  language: 'Langue',
  tabs: { pending: 'En attente', sent: 'Envoyées', posted: 'Intégrées', failed_check: 'Échec du contrôle' },
  status: { pending: 'En attente', sent: 'Envoyée', posted: 'Intégrée', failed_check: 'Échec du contrôle' },
  connection: {
    connected: 'Connecté',
    failed: 'Échec de la connexion',
    reconnect_required: 'Saisissez à nouveau les clés',
    none: 'Non connecté',
  },
  keys: (cpa: string, cfe: string, when: string) =>
    `Clé CPA se terminant par ${cpa}, clé CFE se terminant par ${cfe}, vérifiées le ${when}`,
  service: { cpa: 'CPA', cfe: 'CFE' },
  noFile: 'Aucun dossier client pour l’instant : la synchronisation du référentiel n’en a encore rapporté aucun de Quadra.',
  filesCaption: 'Dossiers clients, leurs prérequis et signalements',
  dossier: 'Dossier',
  prerequisites: 'Prérequis',
  flags: 'Signalements',
  ready: 'Prêt',
  waitingSince: (when: string) => `En attente d’ouverture dans Quadra depuis le ${when}`,
  waitingLong: (when: string) =>
    `En attente d’ouverture dans Quadra depuis le ${when} : ouvrez le dossier dans Quadra pour intégrer ce qui a été envoyé.`,
  gone: 'N’existe plus dans Quadra',
  fileActions: 'Actions sur le dossier',
  synchronize: 'Synchroniser',
  synchronizing: 'Synchronisation…',
  preview: 'Aperçu du fichier ASCII',
  accountMap: 'Correspondance des comptes',
  accountsToCreate: 'Comptes à créer',
  createdWithLabel: (list: string) => `Créés dans Quadra avec leur libellé : ${list}`,
  createTitle: 'Comptes à créer dans Quadra',
  createWithLabels: 'Le prochain dépôt les crée avec le libellé indiqué (un enregistrement C chacun).',
  createBeforehand:
    'Quadra les créera sans libellé : créez-les au préalable dans Quadra, ou demandez à un administrateur de faire envoyer leurs libellés.',
  createColumns: ['Compte', 'Libellé', 'Type', 'Compte collectif', 'Écritures', 'Première date'],
  accountTypes: { C: 'Client', F: 'Fournisseur', G: 'Général' } as Record<string, string>,
  noneToCreate: 'Aucun : Quadra a tous les comptes qu’utilisent les écritures en attente.',
  refresh: 'Actualiser',
  byStatus: 'Écritures par statut',
  noEntry: (tab: string) => `Aucune écriture dans « ${tab} ».`,
  entriesCaption: (tab: string) => `Écritures : ${tab}`,
  columns: ['Écriture', 'Date', 'Journal', 'Libellé', 'Montant', 'Avertissements', 'Nuits'],
  twice: 'en double dans Quadra',
  moreFollow: 'D’autres écritures suivent (l’API pagine par curseur).',
  openEntry: (id: string) => `Ouvrir l’écriture ${id}`,
  entry: (id: string) => `Écriture ${id}`,
  close: 'Fermer',
  kinds: { purchase: 'Achat', sale: 'Vente', expense_report: 'Note de frais', bank: 'Banque' },
  summary: (kind: string, journal: string, date: string, label: string, ref: string) =>
    `${kind} · journal ${journal} · ${date} · ${label} · référence ${ref}`,
  lines: 'Lignes',
  lineColumns: ['N°', 'Compte', 'Libellé', 'Débit', 'Crédit'],
  warnings: 'Avertissements',
  none: 'Aucun.',
  documents: (names: string) => `Pièces jointes : ${names}`,
  attempts: 'Historique',
  noAttempt: 'Aucune tentative pour l’instant : elle partira au prochain envoi.',
  night: (n: number) => `nuit ${n}`,
  steps: {
    'send:sent': 'Envoyée à Quadra',
    'send:held': 'Retenue',
    'send:error': 'Non envoyée',
    'resend:sent': 'Renvoyée',
    'resend:held': 'Renvoi retenu',
    'resend:error': 'Échec du renvoi',
    'resend:replaced': 'Retirée et renvoyée',
    'verify:posted': 'Trouvée dans Quadra',
    'verify:not_found': 'Introuvable dans Quadra',
    'verify:duplicate': 'Trouvée plusieurs fois dans Quadra',
    'verify:replaced': 'Dépôt antérieur retiré',
    'verify:error': 'Contrôle impossible',
    'decide:failed_check': 'Échec du contrôle',
    'decide:file_waiting': 'En attente d’ouverture du dossier',
    'revalidate:revalidated': 'Revalidée',
  },
  fixTitle: 'Corriger et revalider',
  fixHelp: 'Corrigez ce que Quadra a refusé ; une fois revalidée, l’écriture repasse en attente avec une nouvelle référence.',
  journalCode: 'Code journal',
  date: 'Date',
  label: 'Libellé',
  account: 'Compte',
  lineAccount: (n: number) => `Compte de la ligne ${n}`,
  lineDebit: (n: number) => `Débit de la ligne ${n} (euros)`,
  lineCredit: (n: number) => `Crédit de la ligne ${n} (euros)`,
  debitEuros: 'Débit (€)',
  creditEuros: 'Crédit (€)',
  saveFix: 'Enregistrer la correction et revalider',
  previewTitle: 'Contenu du prochain dépôt',
  counts: (lang: Lang, entries: number, lines: number) =>
    `${entries} ${plural(lang, entries, 'écriture', 'écritures')}, ${lines} ${plural(lang, lines, 'ligne', 'lignes')}.`,
  prerequisitesMet: 'Prérequis remplis.',
  prerequisiteFails: 'Un prérequis n’est pas rempli : le dépôt serait retenu.',
  asciiTitle: 'Le fichier ASCII exact',
  asciiHelp:
    'À largeur fixe, tel que Quadra le lit : faites défiler horizontalement pour voir toutes les colonnes. En surbrillance : le libellé (colonnes 22 et 117) et notre référence (colonne 149).',
  nothingToSend: 'Rien à envoyer.',
  mapped: (list: string) => `Envoyés sous un autre compte : ${list}`,
  held: (id: string, reason: string) => `${id} retenue : ${reason}`,
  mapTitle: 'Correspondance des comptes',
  mapHelp:
    'Le compte Quadra sous lequel un compte du hub est envoyé : la solution quand deux comptes du hub seraient fusionnés une fois tronqués à 8 caractères. Réservé aux administrateurs.',
  addMapping: 'Ajouter une correspondance',
  hubAccount: 'Compte du hub',
  quadraAccount: 'Compte Quadra (8 caractères au plus)',
  map: 'Associer',
  mapColumns: ['Compte du hub', 'Compte Quadra', 'Libellé Quadra', 'Action'],
  notInQuadra: 'Absent de Quadra : il sera créé sans libellé au prochain envoi. Créez-le d’abord dans Quadra pour lui donner son libellé.',
  remove: 'Supprimer',
  removeMapping: (hub: string) => `Supprimer la correspondance de ${hub}`,
  noMapping: 'Aucune correspondance : chaque compte est envoyé tel que le hub le numérote (tronqué à 8 caractères).',
  hubRequired: 'Saisissez le compte tel que le hub le numérote.',
  hubInvalid: 'Le compte du hub compte 40 caractères au plus, sans espace autour.',
  quadraInvalid: (n: number) =>
    n > 8
      ? `Un compte Quadra compte 8 caractères au plus ; celui-ci en compte ${n}. Choisissez un compte de 8 caractères (sinon le format le tronquerait).`
      : 'Un compte Quadra compte de 1 à 8 caractères, sans espace.',
  mappedDone: (hub: string, quadra: string) => `${hub} est désormais envoyé en ${quadra}.`,
  unknownWarning: (quadra: string) =>
    `${quadra} n’existe pas encore dans Quadra : il sera créé sans libellé. Créez-le d’abord dans Quadra.`,
  unmappedDone: (hub: string) => `${hub} est de nouveau envoyé tel que le hub le numérote.`,
  refreshed: 'Actualisé.',
  synchronized: 'Synchronisé : le dépôt est fait.',
  queued: 'Synchronisation programmée : les écritures passent dans « Envoyées » une fois déposées.',
  revalidated: (id: string, status: string, ref: string) => `L’écriture ${id} est de nouveau « ${status} », référence ${ref}.`,
  noFirm: 'Vous n’appartenez encore à aucun cabinet : un administrateur le crée et le connecte à Cegid Quadra.',
  firm: 'Cabinet',
  nothing: 'Rien à afficher : voir le message ci-dessus.',
  refused: (origin: string, api: string) =>
    `Refusé : cette page (${origin}) n’a reçu aucune réponse lisible de l’API à ${api}. Soit l’API ne tourne pas, soit elle n’autorise pas cette origine : ajoutez ${origin} à CORS_ORIGINS.`,
  unexpected: (what: string) => `Inattendu : ${what}`,
  tokenTitle: 'Jeton d’accès',
  tokenLabel: 'Un jeton d’accès Supabase de l’utilisateur (npm run -s token en donne un de développement)',
  tokenUse: 'Utiliser ce jeton',
  signIn: 'Se connecter',
  email: 'E-mail',
  password: 'Mot de passe',
} satisfies Texts;

export const TEXTS: Record<Lang, Texts> = { en, fr };

/** The browser's language: French when it accepts French at all (as the API decides), else English. */
export function browserLang(languages: readonly string[]): Lang {
  if (languages.some((l) => l.toLowerCase().startsWith('fr'))) return 'fr';
  return 'en';
}

/** Amounts, dates and plurals for the chosen language, from Intl. */
export function formats(lang: Lang) {
  const locale = lang === 'fr' ? 'fr-FR' : 'en-GB';
  const euros = new Intl.NumberFormat(locale, { style: 'currency', currency: 'EUR' });
  const day = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' });
  const instant = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  return {
    money: (cents: number) => euros.format(cents / 100),
    /** A YYYY-MM-DD accounting date (no time zone: the day as written). */
    day: (ymd: string) => (/^\d{4}-\d{2}-\d{2}$/.test(ymd) ? day.format(new Date(`${ymd}T00:00:00Z`)) : ymd),
    when: (iso: string | null | undefined) => (iso ? instant.format(new Date(iso)) : '—'),
    number: (n: number) => new Intl.NumberFormat(locale).format(n),
  };
}

let current: Lang = 'en';
/** The words and formats of the chosen language (live bindings: every view reads the current ones). */
export let tr: Texts = en;
export let fmt = formats('en');
export const lang = (): Lang => current;
export function setLang(l: Lang) {
  current = l;
  tr = TEXTS[l];
  fmt = formats(l);
}
