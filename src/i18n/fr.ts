// Les textes de l'API en français, pour un cabinet d'expertise comptable : mêmes clés que ./en.ts
// (vérifié par `satisfies` et par test/i18n/catalogue.test.ts), rédigés pour un comptable, pas
// traduits mot à mot. Les codes ne changent jamais avec la langue.
import { type CatalogueLike, type Fmt, formatters } from './catalogue.ts';
import type { en } from './en.ts';

// La phrase de la notice sur l'ouverture d'un exercice, rendue en français.
const PERIOD_ADVICE =
  "ouvrez la gestion des exercices (menu Traitements ou Administration de la comptabilité) ; vérifiez que l'exercice précédent a bien été clôturé avant d'en créer un nouveau";
const TRUNCATION_RULE =
  'Dans Cegid Quadra, un numéro de compte (PCG ou compte auxiliaire) est limité à 8 caractères : au-delà, il est tronqué à l’envoi.';
const NO_LABEL_RULE =
  'il sera créé automatiquement dans Quadra à l’envoi des écritures, mais sans libellé. Il faudra ensuite compléter ce libellé à la main dans Quadra.';
const HOLD_REASON = 'son journal est fermé ou sa date ne tombe dans aucun exercice ouvert dans Quadra.';
const RETRY_NOTE = 'Nous réessaierons automatiquement ; rien n’a été modifié dans Quadra.';
const REMEDY = {
  container:
    'Régénérez la clé API CFE dans Cegid Life, puis vérifiez que la clé CFE de Cegid Life (Administration > Gestion des utilisateurs > Clés API) est bien celle saisie dans les paramètres de Cegid Quadra (Outils > Clés API > Cegid File Exchange).',
  unauthorizedCpa:
    'Vérifiez la clé API CPA et son secret. Le secret ne s’affiche qu’une fois, à la génération de la clé dans Cegid Life : si vous ne l’avez plus, régénérez la clé et saisissez à nouveau les deux.',
  unauthorizedCfe:
    'Vérifiez la clé API CFE et son secret (Cegid Life > Administration > Gestion des utilisateurs > Clés API, service Cegid File Exchange). Le secret ne s’affiche qu’une fois : si vous ne l’avez plus, régénérez la clé et saisissez à nouveau les deux, ici et dans Quadra (Outils > Clés API > Cegid File Exchange).',
  forbiddenCpa:
    'Ce compte Cegid n’a pas accès au Portail Collaboratif Cegid, indispensable à l’API CPA. Demandez cet accès à votre commercial Cegid.',
  forbiddenCfe:
    'Cegid a refusé l’accès à l’espace d’échange du cabinet. Vérifiez que la clé CFE a été générée pour ce code SIC, puis régénérez-la si besoin dans Cegid Life (Administration > Gestion des utilisateurs > Clés API).',
  vendorIdentity:
    'Les clés saisies ne sont pas en cause : Cegid n’a pas accepté la façon dont Quadra Sync se présente (son identifiant d’éditeur, son nom et sa version, que Cegid exige à chaque connexion). Contactez le support de Quadra Sync : l’administrateur du service doit renseigner CEGID_VENDOR_NAME avec l’identifiant d’éditeur fourni par Cegid.',
  timeout: `Cegid n’a pas répondu à temps. ${RETRY_NOTE}`,
  unavailable: `Cegid est momentanément indisponible. ${RETRY_NOTE}`,
  rateLimited: `Cegid nous demande de ralentir. ${RETRY_NOTE}`,
  badResponse: 'Cegid a répondu dans un format inattendu. Rien n’a été modifié ; contactez le support si cela se reproduit.',
  notFound:
    'Cegid ne connaît pas cet élément (un dossier a peut-être été renommé ou supprimé dans Quadra). Actualisez le référentiel, puis réessayez.',
  serverError: `Cegid a signalé une erreur. ${RETRY_NOTE}`,
  refused: 'Cegid a refusé la demande. Contactez le support en indiquant le code d’erreur affiché.',
};
const SUMMARY = {
  container: 'Aucun conteneur Cegid File Exchange n’est configuré pour le code SIC du cabinet.',
  unauthorized: 'Cegid a refusé la clé API ou son secret.',
  forbidden: 'Cegid a refusé l’accès.',
  vendorIdentity: 'Cegid a refusé l’identification d’éditeur de Quadra Sync.',
  timeout: 'Cegid n’a pas répondu à temps.',
  unavailable: 'Cegid est momentanément indisponible.',
  rateLimited: 'Cegid limite le nombre de requêtes.',
  badResponse: 'Cegid a envoyé une réponse inattendue.',
  notFound: 'Cegid n’a pas trouvé l’élément demandé.',
};
const SERVICE: Record<string, string> = {
  'Cegid CPA (Quadra data)': 'Cegid CPA (données Quadra)',
  'Cegid File Exchange (CFE)': 'Cegid File Exchange (CFE)',
};
const service = (s: string) => SERVICE[s] ?? s;
// Dates read back from an English text (YYYY-MM-DD) are written the French way.
const FR = formatters('fr');
const day = (ymd: string) => (/^\d{4}-\d{2}-\d{2}$/.test(ymd) ? FR.date(ymd) : ymd);
type Span = { from: string; to: string };
const ORDINALS: Record<string, string> = {
  first: 'première',
  second: 'deuxième',
  third: 'troisième',
  fourth: 'quatrième',
  fifth: 'cinquième',
  sixth: 'sixième',
  seventh: 'septième',
  eighth: 'huitième',
  ninth: 'neuvième',
  tenth: 'dixième',
};
const CLASS_NAMES: Record<string, string> = { '4': 'tiers', '5': 'financiers', '6': 'charges', '7': 'produits' };
const COLLISION_REMEDY =
  'Demandez à un administrateur du cabinet de l’affecter, dans la table de correspondance des comptes du dossier, à un compte Quadra de 8 caractères au plus (créé à l’identique dans Quadra au préalable), puis renvoyez l’écriture.';

export const fr = {
  'error.not_found.file': 'Dossier introuvable',
  'error.not_found.client_file': 'Dossier client introuvable',
  'error.not_found.entry': 'Écriture introuvable',
  'error.not_found.firm': 'Cabinet introuvable',
  'error.not_found.webhook_endpoint': 'Point de réception d’événements introuvable',
  'error.not_found.event': 'Événement introuvable',
  'error.not_found.resource': 'Ressource introuvable',
  'error.not_found.referenced_record': 'Un enregistrement référencé est introuvable',
  'error.no_route': 'Aucune route pour {method} {path}',
  'error.internal': 'Une erreur s’est produite de notre côté ; la demande n’a rien modifié',
  'error.invalid_json': 'Le corps de la requête n’est pas du JSON valide',
  'error.payload_too_large': 'Le corps de la requête dépasse {limit} octets',
  'error.document_too_large': 'Une pièce jointe fait au plus {limit} octets',
  'error.unauthorized': 'Un jeton d’accès (bearer) est requis',
  'error.token_no_expiry': 'Le jeton d’accès n’a pas d’expiration (exp)',
  'error.token_expired': 'Le jeton d’accès a expiré',
  'error.token_not_valid_here': 'Le jeton d’accès n’est pas valable ici ({claim})',
  'error.token_no_subject': 'Le jeton n’a pas de sujet valide',
  'error.token_invalid': 'Le jeton d’accès n’est pas valide',
  'error.validation': 'La requête n’est pas valide : {issues}',
  'error.surrogate_half': 'Le texte ne peut pas contenir une moitié de paire de substitution',
  'error.invalid_cursor': 'Ce curseur de pagination n’a pas été fourni par cette API',
  'error.too_many_lines': 'Un envoi compte au plus {max} lignes ; scindez-le',
  'error.invalid_form': 'Envoyez la pièce jointe en multipart/form-data avec un champ « file »',
  'error.no_file_field': 'Le formulaire n’a pas de champ « file » contenant un fichier',
  'error.empty_document': 'La pièce jointe est vide',
  'error.unsupported_document': 'Seules les pièces jointes PDF, JPEG et PNG sont acceptées (vérifié sur leur contenu)',
  'error.origin_not_allowed': 'L’origine {origin} ne figure pas dans CORS_ORIGINS : une page de ce site ne peut pas appeler cette API',
  'error.tick_not_configured': 'Les ticks ne sont pas activés sur ce déploiement (définissez CRON_SECRET)',
  'error.invalid_cron_secret': 'Un en-tête x-cron-secret valide est requis',
  'error.file_gone_push': 'Ce dossier n’existe plus dans Quadra : aucune écriture ne peut y être envoyée',
  'error.file_gone': 'Ce dossier n’existe plus dans Quadra',
  'error.idempotency_key_reused': 'Cette clé Idempotency-Key a déjà servi pour une autre demande',
  'error.too_many_waits': (p: { n: number }, f: Fmt) =>
    `Vous avez déjà ${p.n} ${f.plural(p.n, { one: 'synchronisation', other: 'synchronisations' })} en attente de réponse (?wait=true). Rien n’a été mis en file : réessayez quand l’une d’elles aura répondu, ou appelez sans wait=true : la réponse est immédiate, l’envoi a lieu quand même et le statut des écritures indique ce qui a été fait.`,
  'error.entry_invalid': 'L’écriture ne passe pas les contrôles préalables à l’envoi',
  'error.entry_not_editable.sent': 'Une écriture envoyée ne peut plus être modifiée',
  'error.entry_not_editable.posted': 'Une écriture intégrée dans Quadra ne peut plus être modifiée',
  'error.entry_not_failed': 'Seule une écriture en échec de contrôle (failed_check) peut être revalidée ; celle-ci est au statut {status}',
  'error.connection_admin_only': 'Seul un administrateur du cabinet peut modifier sa connexion Cegid',
  'error.cegid_unavailable':
    'Cegid n’a pas répondu à temps ou est momentanément indisponible : vos clés n’ont pas pu être vérifiées. Rien n’a été modifié ; réessayez dans quelques minutes.',
  'error.sic_already_connected':
    'Cegid a accepté ces clés pour le code SIC {sic}, mais ce code SIC est déjà connecté à Quadra Sync sous une autre inscription de votre cabinet. Rien n’a été enregistré. Demandez à un administrateur de cette inscription de vous y ajouter, ou contactez le support pour déplacer la connexion.',
  'error.no_connection_yet': 'Ce cabinet n’a pas encore de connexion Cegid : saisissez d’abord ses clés CPA et CFE',
  'error.not_connected':
    'Ce cabinet n’est pas connecté à Cegid Quadra : saisissez d’abord des clés CPA et CFE valides dans les paramètres Intégrations.',
  'error.account_map_admin_only':
    'Seul un administrateur du cabinet peut modifier la table de correspondance des comptes d’un dossier : elle décide du compte Quadra où les écritures sont comptabilisées. Demandez ce changement à un administrateur de votre cabinet ; rien n’a été modifié.',
  'error.account_labels_admin_only':
    'Seul un administrateur du cabinet peut choisir d’envoyer les libellés des comptes : ils créent des comptes dans le plan comptable du dossier dans Quadra. Demandez ce changement à un administrateur de votre cabinet ; rien n’a été modifié.',
  'error.mapping_not_found': 'Le compte {hub} n’a pas de correspondance dans ce dossier',
  'error.account_map_collision':
    'Avec ce changement, le compte {account} d’écritures en attente d’envoi irait sur {truncated} avec {others} : deux comptes seraient fusionnés dans Quadra. Affectez d’abord {account}, ou corrigez ces écritures.',
  'error.webhooks_admin_only':
    'Seul un administrateur du cabinet peut gérer ses points de réception d’événements : ils décident où les données du cabinet sont envoyées. Demandez ce changement à un administrateur de votre cabinet ; rien n’a été modifié.',
  'error.webhook_url': 'url : {message}',
  'error.webhook_disabled': 'Ce point de réception est désactivé ; réactivez-le d’abord (PATCH enabled: true)',
  'error.already_exists': 'Un enregistrement de même identité existe déjà',
  'error.unbalanced': 'Le total des débits doit égaler le total des crédits',
  'error.ledger_rule': 'Les données enfreignent une règle de la comptabilité',
  'error.invalid_value': 'Une valeur a un format incorrect, contient un caractère impossible à enregistrer ou sort des limites permises',
  'error.value_too_large': 'Une valeur est trop grande pour être enregistrée',
  'error.database_unavailable':
    'La base de données a été momentanément injoignable ; réessayez (un envoi peut être répété sans risque avec la même Idempotency-Key)',

  'issue.account_mapped': 'Le compte {hub} est envoyé en {short} (table de correspondance du dossier).',
  'issue.account_mapped_labelled': 'Le compte {hub} est envoyé en {short} (table de correspondance du dossier), compte Quadra « {label} ».',
  'issue.account_mapped_unlabelled':
    'Le compte {hub} est envoyé en {short} (table de correspondance du dossier), un compte existant dans Quadra (sans libellé).',
  'issue.account_truncated': `Le compte {hub} sera envoyé en {short}. ${TRUNCATION_RULE}`,
  'issue.account_truncated_labelled': `Le compte {hub} sera envoyé en {short}, compte Quadra « {label} ». ${TRUNCATION_RULE}`,
  'issue.account_truncated_unlabelled': `Le compte {hub} sera envoyé en {short}, un compte existant dans Quadra (sans libellé). ${TRUNCATION_RULE}`,
  'issue.account_unknown': `Le compte {account} n’existe pas dans Quadra : ${NO_LABEL_RULE}`,
  'issue.label_folded': 'Quadra ne sait pas enregistrer {characters} : le libellé deviendra « {label} »',
  'issue.account_unknown_labelled':
    'Le compte {account} n’existe pas dans Quadra : il y sera créé avec le libellé « {label} », envoyé avec les écritures.',
  'issue.account_label_not_sent':
    'Le compte {account} est créé dans Quadra avec le libellé « {sent} », le premier transmis pour ce compte ; « {label} » n’est pas envoyé.',
  'issue.account_label_folded': 'Quadra ne sait pas enregistrer {characters} : le libellé du compte deviendra « {label} »',
  'issue.account_label_truncated': 'Le libellé d’un compte tient en 30 caractères dans Quadra : il deviendra « {label} »',
  'issue.invalid_due_date':
    'L’échéance {dueDate} n’est pas une date du calendrier comprise entre le 01/01/1970 et le 31/12/2069 (Quadra l’écrit en JJMMAA)',
  'issue.due_date_before_entry_date': 'L’échéance {dueDate} est antérieure à la date de l’écriture {date}',
  'issue.due_date_not_written':
    'L’échéance {dueDate} n’est pas transmise : Quadra la porte sur les lignes de comptes clients et fournisseurs, et cette écriture n’en a aucune.',
  'issue.label_truncated': 'Le libellé sera coupé à ses 30 premiers caractères dans Quadra : « {label} »',
  'issue.too_few_lines': 'Une écriture compte au moins deux lignes (un débit et un crédit)',
  'issue.invalid_amount': 'Ligne {line} : les montants sont des centimes entiers, positifs ou nuls, jusqu’à {max}',
  'issue.one_side_per_line': 'Ligne {line} : une ligne porte soit un débit, soit un crédit, supérieur à zéro',
  'issue.no_debit': 'L’écriture n’a aucune ligne au débit',
  'issue.no_credit': 'L’écriture n’a aucune ligne au crédit',
  'issue.unbalanced': 'L’écriture n’est pas équilibrée : débits {debit} centimes, crédits {credit} centimes',
  'issue.date_outside_open_period': (p: { date: string }) =>
    `La date du ${day(p.date)} ne tombe dans aucun exercice ouvert de ce dossier dans Quadra`,
  'issue.unknown_journal': 'Le journal {journal} n’existe pas dans ce dossier Quadra',
  'issue.journal_closed': 'Le journal {journal} est fermé dans Quadra : rouvrez-le dans Quadra, puis actualisez le référentiel',
  'issue.document_not_found': 'La pièce jointe {id} n’appartient pas à ce dossier',
  'issue.documents_not_attached':
    'Quadra rattache une pièce jointe par ligne : {extra} des {count} pièces jointes ne seront pas liées à l’écriture dans Quadra',
  'issue.account_collision_one': `Le compte {account} serait envoyé en {short}, où va déjà votre compte {others} : deux comptes seraient fusionnés dans Quadra. ${COLLISION_REMEDY}`,
  'issue.account_collision_many': `Le compte {account} serait envoyé en {short}, où vont déjà vos comptes {others} : deux comptes seraient fusionnés dans Quadra. ${COLLISION_REMEDY}`,
  'issue.duplicate_external_id': 'L’externalId {id} figure deux fois dans cette demande (première fois à l’index {first})',
  'issue.external_id_other_file': 'L’externalId {id} appartient déjà à un autre dossier de ce cabinet',
  'issue.account_encoded': 'Le compte {from} est écrit {to} (Windows-1252)',

  'prereq.open_period.ok': (p: Span) => `Exercice ouvert : du ${day(p.from)} au ${day(p.to)}.`,
  'prereq.open_period.none': 'Ce dossier n’a aucun exercice dans Quadra.',
  'prereq.open_period.closed': (p: Span) =>
    `L’exercice qui couvre la date du jour (du ${day(p.from)} au ${day(p.to)}) est clôturé dans Quadra.`,
  'prereq.open_period.uncovered': (p: { today: string }) =>
    `Aucun exercice de ce dossier ne couvre la date du jour (${day(p.today)}) dans Quadra.`,
  'prereq.open_period.remedy': `Pour ouvrir un exercice dans Quadra, ${PERIOD_ADVICE}.`,
  'prereq.previous.none': 'Il n’y a pas d’exercice antérieur.',
  'prereq.previous.closed': (p: Span) => `Exercice précédent clôturé : du ${day(p.from)} au ${day(p.to)}.`,
  'prereq.previous.open': (p: Span) => `L’exercice précédent (du ${day(p.from)} au ${day(p.to)}) est encore ouvert dans Quadra.`,
  'prereq.previous.remedy': `Clôturez l’exercice précédent dans Quadra : ${PERIOD_ADVICE}.`,
  'prereq.chart.none': 'Ce dossier n’a aucun compte général dans Quadra.',
  'prereq.chart.missing': (p: { classes: string }) => {
    const digits = [...p.classes.matchAll(/class (\d)/g)].map((m) => m[1]!);
    const named = digits.map((d) => `classe ${d} (${CLASS_NAMES[d] ?? d})`);
    return `Le plan comptable n’a aucun compte général en ${named.length ? named.join(', ') : p.classes}.`;
  },
  'prereq.chart.class': 'classe {digit} ({name})',
  'prereq.chart.class.4': 'tiers',
  'prereq.chart.class.5': 'financiers',
  'prereq.chart.class.6': 'charges',
  'prereq.chart.class.7': 'produits',
  'prereq.chart.remedy':
    'Complétez le plan comptable de ce dossier dans Quadra (comptes généraux des classes 4 à 7 : tiers, financiers, charges et produits), puis actualisez le référentiel.',
  'prereq.journals.none': 'Ce dossier n’a aucun journal dans Quadra.',
  'prereq.journals.all_closed': 'Tous les journaux de ce dossier sont fermés dans Quadra : {closed}.',
  'prereq.journals.open': 'Journaux ouverts : {open}.',
  'prereq.journals.some_closed':
    'Journaux ouverts : {open}. Fermés dans Quadra : {closed} ; les écritures d’un journal fermé attendent sa réouverture.',
  'prereq.journals.remedy':
    'Ouvrez dans Quadra les journaux utilisés par vos écritures (achats, ventes, notes de frais, banque), puis actualisez le référentiel.',

  'life.failed_check': 'Un problème semble être survenu lors de la synchronisation de cette écriture. Merci de vérifier.',
  'life.reference_hold_reason': HOLD_REASON,
  'life.send_hold': `Retenue : ${HOLD_REASON} Ouvrez-les dans Quadra et actualisez le référentiel, ou corrigez l’écriture.`,
  'life.resend_hold': (p: { ordinal: string }) =>
    `Le renvoi est retenu : ${HOLD_REASON} Ouvrez-les dans Quadra et actualisez le référentiel : l’écriture repart la nuit suivante. Ses nuits comptent toujours : retenue la ${ORDINALS[p.ordinal] ?? p.ordinal} nuit, elle passe en échec de contrôle, où elle pourra être corrigée.`,
  'life.resend_held': 'Le renvoi est retenu : {reason}',
  'life.not_found_after_send':
    'Introuvable dans Quadra {hours} heures après l’envoi : l’écriture reste en attente d’envoi et une nouvelle tentative a lieu chacune des {nights} nuits suivantes.',
  'life.not_found_on_night': 'Introuvable dans Quadra la nuit {night} sur {nights} : renvoyée',
  'life.resent_on_night':
    'Renvoyée la nuit {night} sur {nights}. Ouvrez le dossier dans Quadra pour déclencher la récupération des écritures.',
  'life.resent_waiting': 'Renvoyée ; elle attend dans le conteneur d’échange que le dossier soit ouvert dans Quadra.',
  'life.file_waiting':
    'Aucune des dernières écritures envoyées à ce dossier n’est arrivée dans Quadra : ouvrez le dossier dans Quadra pour déclencher la récupération des écritures, puis vous pouvez le refermer.',
  'life.deferred':
    'Quadra vient de prendre le dépôt ; ses écritures peuvent mettre quelques minutes à apparaître : nouveau contrôle dans {minutes} minutes avant tout renvoi',
  'life.deposited_one': 'Envoyée dans un dépôt d’une écriture ({lines} lignes)',
  'life.deposited_many': 'Envoyée dans un dépôt de {entries} écritures ({lines} lignes)',
  'life.deposited_one_replacing': 'Envoyée dans un dépôt d’une écriture ({lines} lignes), qui remplace un dépôt antérieur',
  'life.deposited_many_replacing': 'Envoyée dans un dépôt de {entries} écritures ({lines} lignes), qui remplace un dépôt antérieur',
  'life.sent':
    'Envoyée à Quadra. Ouvrez le dossier dans Quadra pour déclencher la récupération des écritures, puis vous pouvez le refermer.',
  'life.not_sent': 'Non envoyée : {reason}',
  'life.build_failed': 'Le dépôt n’a pas pu être constitué ou transmis ; les écritures restent en attente et seront renvoyées plus tard.',
  'life.upload_unconfirmed':
    'La réponse au dépôt s’est perdue ; son arrivée est vérifiée dans le conteneur, ou dans Quadra après le délai d’import. Il n’est jamais déposé deux fois.',
  'life.upload_recorded': 'Le dépôt avait été transmis avant une interruption ; son envoi est maintenant enregistré.',
  'life.upload_landed': 'Le dépôt est dans le conteneur d’échange : sa transmission avait abouti.',
  'life.upload_never_arrived':
    'Ni dans le conteneur d’échange ni dans Quadra {minutes} minutes après : le dépôt n’est jamais arrivé, il est déposé à nouveau',
  'life.found': 'Trouvée dans Quadra',
  'life.found_times': 'Trouvée {copies} fois dans Quadra : vérifiez le dossier dans Quadra et supprimez les doublons',
  'life.found_twice_after_posted':
    'Trouvée {copies} fois dans Quadra après son intégration : vérifiez le dossier dans Quadra et supprimez les doublons',
  'life.earlier_version':
    'Une version antérieure de cette écriture est aussi dans Quadra : vérifiez le dossier dans Quadra et supprimez celle qui est erronée',
  'life.verification_failed': 'Le contrôle n’a pas pu avoir lieu ; il sera refait.',
  'life.withdrawn_earlier_copy':
    'Retiré du conteneur d’échange avant que Quadra ne le prenne : Quadra montre déjà des écritures de ce dépôt par une copie antérieure, et les aurait intégrées deux fois',
  'life.withdrawn_resumed':
    'Retiré du conteneur d’échange avant que Quadra ne le prenne (retrait interrompu plus tôt, achevé par le balayage)',
  'life.withdrawn_before_taken': 'Dépôt antérieur retiré avant que Quadra ne le prenne',
  'life.revalidated': 'Corrigée et revalidée par l’utilisateur',
  'life.withdrawn_back':
    'Son dépôt a été retiré avant que Quadra ne le prenne et elle n’est pas encore dans Quadra : elle sera recherchée la nuit prochaine et renvoyée si elle manque toujours.',
  'life.corrected': 'Corrigée : revalidez-la pour la renvoyer.',
  'life.reference_sync_failed':
    'Une erreur s’est produite de notre côté pendant l’actualisation du référentiel ; elle est relancée automatiquement.',
  'life.reference_sync_not_queued': 'L’actualisation n’a pas pu être programmée. Réessayez dans un instant.',

  'cegid.service.cpa': 'Cegid CPA (données Quadra)',
  'cegid.service.cfe': 'Cegid File Exchange (CFE)',
  'cegid.remedy.container': REMEDY.container,
  'cegid.remedy.unauthorized_cpa': REMEDY.unauthorizedCpa,
  'cegid.remedy.unauthorized_cfe': REMEDY.unauthorizedCfe,
  'cegid.remedy.forbidden_cpa': REMEDY.forbiddenCpa,
  'cegid.remedy.forbidden_cfe': REMEDY.forbiddenCfe,
  'cegid.remedy.vendor_identity': REMEDY.vendorIdentity,
  'cegid.remedy.timeout': REMEDY.timeout,
  'cegid.remedy.unavailable': REMEDY.unavailable,
  'cegid.remedy.rate_limited': REMEDY.rateLimited,
  'cegid.remedy.bad_response': REMEDY.badResponse,
  'cegid.remedy.not_found': REMEDY.notFound,
  'cegid.remedy.server_error': REMEDY.serverError,
  'cegid.remedy.refused': REMEDY.refused,
  'cegid.user.container': (p) => `${service(p.service)} : ${SUMMARY.container} ${REMEDY.container}`,
  'cegid.user.unauthorized_cpa': (p) => `${service(p.service)} : ${SUMMARY.unauthorized} ${REMEDY.unauthorizedCpa}`,
  'cegid.user.unauthorized_cfe': (p) => `${service(p.service)} : ${SUMMARY.unauthorized} ${REMEDY.unauthorizedCfe}`,
  'cegid.user.forbidden_cpa': (p) => `${service(p.service)} : ${SUMMARY.forbidden} ${REMEDY.forbiddenCpa}`,
  'cegid.user.forbidden_cfe': (p) => `${service(p.service)} : ${SUMMARY.forbidden} ${REMEDY.forbiddenCfe}`,
  'cegid.user.vendor_identity': (p) => `${service(p.service)} : ${SUMMARY.vendorIdentity} ${REMEDY.vendorIdentity}`,
  'cegid.user.timeout': (p) => `${service(p.service)} : ${SUMMARY.timeout} ${REMEDY.timeout}`,
  'cegid.user.unavailable': (p) => `${service(p.service)} : ${SUMMARY.unavailable} ${REMEDY.unavailable}`,
  'cegid.user.rate_limited': (p) => `${service(p.service)} : ${SUMMARY.rateLimited} ${REMEDY.rateLimited}`,
  'cegid.user.bad_response': (p) => `${service(p.service)} : ${SUMMARY.badResponse} ${REMEDY.badResponse}`,
  'cegid.user.not_found': (p) => `${service(p.service)} : ${SUMMARY.notFound} ${REMEDY.notFound}`,
  'cegid.user.server_error': (p) => `${service(p.service)} : ${service(p.service)} a renvoyé une erreur. ${REMEDY.serverError}`,
  'cegid.user.refused': (p) => `${service(p.service)} : ${service(p.service)} a renvoyé une erreur. ${REMEDY.refused}`,
  'cegid.paused': 'Cegid a demandé de ralentir pour ce cabinet (pause encore {seconds} s)',
  'cegid.no_slot': 'aucun créneau Cegid libre pour ce cabinet sous {seconds} s (CEGID_CONCURRENCY_PER_FIRM)',
} satisfies CatalogueLike<typeof en>;
