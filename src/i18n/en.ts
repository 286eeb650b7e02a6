// Every text a person reads from the API, in English: the reference catalogue (./fr.ts has the
// same keys). The brief's own sentences are kept word for word (marked "brief"). Templates
// (`{name}` placeholders) can be read back from a stored text; functions are for plurals.
import type { Fmt } from './catalogue.ts';

// Brief, verbatim: the two limits of Quadra's format.
const TRUNCATION_RULE =
  'The account number (PCG or subsidiary) is limited to 8 characters in Cegid Quadra. Any number exceeding this limit will be truncated when sent.';
const NO_LABEL_RULE =
  'it will be automatically created in Quadra when sending entries — but without an associated label. You will then need to complete the label manually in Quadra.';
// Brief, verbatim: where a period is opened.
const PERIOD_ADVICE =
  'access the Accounting Administration or Period Management section, usually accessible via the Processing or Administration menu. Make sure the previous period has been properly closed before creating a new one';
const REFERENCE_HOLD_REASON = 'its journal is closed or its date is outside every open period in Quadra.';
const RETRY_NOTE = 'We will retry automatically; nothing was changed in Quadra.';
// The two places of the CFE key, as the brief names them.
const CFE_KEY_PLACES =
  'Regenerate the CFE API key in Cegid Life, then verify that the CFE key in Cegid Life (Administration > User Management > API Keys) matches the one entered in the Cegid Quadra settings (Tools > API Keys > Cegid File Exchange).';
const REMEDY = {
  container: CFE_KEY_PLACES,
  unauthorizedCpa:
    'Check the CPA API key and its secret. The secret is shown only once, when the key is generated in Cegid Life: if you no longer have it, regenerate the key and enter both again.',
  unauthorizedCfe:
    'Check the CFE API key and its secret (Cegid Life > Administration > User Management > API Keys, service Cegid File Exchange). The secret is shown only once: if you no longer have it, regenerate the key and enter both again, also in Quadra (Tools > API Keys > Cegid File Exchange).',
  forbiddenCpa:
    'This Cegid account has no access to the Cegid Collaborative Portal, which the CPA API requires. Contact your Cegid sales representative to get it.',
  forbiddenCfe:
    "Cegid refused access to this firm's exchange space. Check that the CFE key was generated for this SIC code, then regenerate it in Cegid Life (Administration > User Management > API Keys) if needed.",
  vendorIdentity:
    'Nothing is wrong with the keys you entered: Cegid did not accept how Quadra Sync introduces itself (its vendor identifier, name and version, which Cegid requires with every connection). Contact Quadra Sync support; the administrator of the service must set CEGID_VENDOR_NAME to the vendor identifier Cegid issued.',
  timeout: `Cegid did not answer in time. ${RETRY_NOTE}`,
  unavailable: `Cegid is temporarily unavailable. ${RETRY_NOTE}`,
  rateLimited: `Cegid asked us to slow down. ${RETRY_NOTE}`,
  badResponse: 'Cegid answered in an unexpected format. Nothing was changed; contact support if this persists.',
  notFound:
    'Cegid does not know this item (a dossier may have been renamed or removed in Quadra). Refresh the reference data, then try again.',
  serverError: `Cegid reported an error. ${RETRY_NOTE}`,
  refused: 'Cegid refused the request. Contact support with the error code shown.',
} as const;
const SUMMARY = {
  container: "No Cegid File Exchange container is configured for this firm's SIC code.",
  unauthorized: 'Cegid rejected the API key or its secret.',
  forbidden: 'Cegid refused access.',
  vendorIdentity: "Cegid refused Quadra Sync's vendor identification.",
  timeout: 'Cegid did not answer in time.',
  unavailable: 'Cegid is temporarily unavailable.',
  rateLimited: 'Cegid is limiting the number of requests.',
  badResponse: 'Cegid sent an unexpected answer.',
  notFound: 'Cegid could not find the requested item.',
} as const;

export const en = {
  // ---- Refusals of a request (AppError); the code says which, the text says what to do.
  'error.not_found.file': 'File not found',
  'error.not_found.client_file': 'Client file not found',
  'error.not_found.entry': 'Entry not found',
  'error.not_found.firm': 'Firm not found',
  'error.not_found.webhook_endpoint': 'Webhook endpoint not found',
  'error.not_found.event': 'Event not found',
  'error.not_found.resource': 'Resource not found',
  'error.not_found.referenced_record': 'A referenced record not found',
  'error.no_route': 'No route for {method} {path}',
  'error.internal': 'Something went wrong on our side; the request changed nothing',
  'error.invalid_json': 'The request body is not valid JSON',
  'error.payload_too_large': 'The request body exceeds {limit} bytes',
  'error.document_too_large': 'A document is at most {limit} bytes',
  'error.unauthorized': 'A bearer access token is required',
  'error.token_no_expiry': 'The access token has no expiry (exp)',
  'error.token_expired': 'The access token has expired',
  'error.token_not_valid_here': 'The access token is not valid here ({claim})',
  'error.token_no_subject': 'The token has no valid subject',
  'error.token_invalid': 'The access token is invalid',
  'error.validation': 'The request is not valid: {issues}',
  'error.surrogate_half': 'Text cannot contain half of a surrogate pair',
  'error.invalid_cursor': 'The cursor is not one this API returned',
  'error.too_many_lines': 'A push carries at most {max} lines; split it',
  'error.invalid_form': 'Send the document as multipart/form-data with a "file" field',
  'error.no_file_field': 'The form has no "file" field holding a file',
  'error.empty_document': 'The document is empty',
  'error.unsupported_document': 'Only PDF, JPEG and PNG documents are accepted (checked by their content)',
  'error.origin_not_allowed': 'The origin {origin} is not in CORS_ORIGINS: a browser page there cannot call this API',
  'error.tick_not_configured': 'Ticks are not enabled on this deployment (set CRON_SECRET)',
  'error.invalid_cron_secret': 'A valid x-cron-secret header is required',
  'error.file_gone_push': 'This dossier no longer exists in Quadra: entries cannot be sent to it',
  'error.file_gone': 'This dossier no longer exists in Quadra',
  'error.idempotency_key_reused': 'This Idempotency-Key was already used with a different request',
  'error.too_many_waits': (p: { n: number }, f: Fmt) =>
    `You already have ${p.n} ${f.plural(p.n, { one: 'synchronization', other: 'synchronizations' })} waiting for an answer (?wait=true). Nothing was queued: retry once one has answered, or call without wait=true: it answers at once, the send runs all the same, and the entries' status shows what it did.`,
  'error.entry_invalid': 'The entry does not pass the pre-flight checks',
  'error.entry_not_editable.sent': 'An entry that is sent cannot be changed',
  'error.entry_not_editable.posted': 'An entry that is posted cannot be changed',
  'error.entry_not_failed': 'Only an entry in failed_check can be revalidated; this one is {status}',
  'error.connection_admin_only': 'Only an administrator of the firm can change its Cegid connection',
  'error.cegid_unavailable':
    'Cegid did not answer in time or is temporarily unavailable, so your keys could not be checked. Nothing was changed: try again in a few minutes.',
  'error.sic_already_connected':
    'Cegid accepted these keys for SIC code {sic}, but that SIC code is already connected to Quadra Sync under another registration of your firm. Nothing was saved. Ask an administrator of that registration to add you to it, or contact support to move the connection.',
  'error.no_connection_yet': 'This firm has no Cegid connection yet: enter its CPA and CFE keys first',
  'error.not_connected': 'This firm is not connected to Cegid Quadra: enter valid CPA and CFE keys in the Integrations settings first.',
  'error.account_map_admin_only':
    "Only an administrator of the firm can change a file's account map: it decides which Quadra account entries are posted to. Ask an administrator of your firm to make this change; nothing was changed.",
  'error.account_labels_admin_only':
    "Only an administrator of the firm can choose whether account labels are sent: they create accounts in the dossier's chart in Quadra. Ask an administrator of your firm to make this change; nothing was changed.",
  'error.mapping_not_found': 'Account {hub} has no mapping in this file',
  'error.account_map_collision':
    'With this change, account {account} of entries waiting to be sent would go to {truncated} with {others}: two ledgers would merge in Quadra. Map {account} first, or correct those entries.',
  'error.webhooks_admin_only':
    "Only an administrator of the firm can manage its event endpoints: they decide where the firm's data is sent. Ask an administrator of your firm to make this change; nothing was changed.",
  'error.webhook_url': 'url: {message}',
  'error.webhook_disabled': 'This endpoint is disabled; enable it first (PATCH enabled: true)',
  'error.already_exists': 'A record with the same identity already exists',
  'error.unbalanced': 'Debits and credits must balance',
  'error.ledger_rule': 'The data breaks a rule of the ledger',
  'error.invalid_value': 'A value has the wrong format, holds a character that cannot be stored, or is out of range',
  'error.value_too_large': 'A value is too large to be stored',
  'error.database_unavailable':
    'The database could not be reached for a moment; try again (a push is safe to repeat with the same Idempotency-Key)',

  // ---- Pre-flight checks of an entry (errors and warnings), stored with the entry.
  'issue.account_mapped': "Account {hub} is sent as {short} (the file's account map).",
  'issue.account_mapped_labelled': 'Account {hub} is sent as {short} (the file\'s account map), Quadra\'s account "{label}".',
  'issue.account_mapped_unlabelled': "Account {hub} is sent as {short} (the file's account map), an account Quadra has (without a label).",
  'issue.account_truncated': `Account {hub} will be sent as {short}. ${TRUNCATION_RULE}`,
  'issue.account_truncated_labelled': `Account {hub} will be sent as {short}, Quadra's account "{label}". ${TRUNCATION_RULE}`,
  'issue.account_truncated_unlabelled': `Account {hub} will be sent as {short}, an account Quadra has (without a label). ${TRUNCATION_RULE}`,
  'issue.account_unknown': `Account {account} does not exist in Quadra: ${NO_LABEL_RULE}`,
  'issue.label_folded': 'Quadra cannot hold {characters}: the label will read "{label}"',
  'issue.account_unknown_labelled':
    'Account {account} does not exist in Quadra: it will be created there with the label "{label}", sent with the entries.',
  'issue.account_label_not_sent':
    'Account {account} is created in Quadra with the label "{sent}", the first one pushed for it; "{label}" is not sent.',
  'issue.account_label_folded': 'Quadra cannot hold {characters}: the account\'s label will read "{label}"',
  'issue.account_label_truncated': 'An account\'s label holds 30 characters in Quadra: it will read "{label}"',
  'issue.invalid_due_date': 'The due date {dueDate} is not a calendar date between 1970-01-01 and 2069-12-31 (Quadra writes it as DDMMYY)',
  'issue.due_date_before_entry_date': "The due date {dueDate} is before the entry's date {date}",
  'issue.due_date_not_written':
    'The due date {dueDate} is not sent: Quadra carries it on customer and supplier lines, and this entry has none.',
  'issue.label_truncated': 'The label will be cut to its first 30 characters in Quadra: "{label}"',
  'issue.too_few_lines': 'An entry needs at least two lines (a debit and a credit)',
  'issue.invalid_amount': 'Line {line}: amounts are whole, non-negative cents up to {max}',
  'issue.one_side_per_line': 'Line {line}: exactly one of debit or credit must be above zero',
  'issue.no_debit': 'The entry has no debit line',
  'issue.no_credit': 'The entry has no credit line',
  'issue.unbalanced': 'Debits ({debit} cents) and credits ({credit} cents) differ',
  'issue.date_outside_open_period': '{date} is outside every open accounting period of this file in Quadra',
  'issue.unknown_journal': 'Journal {journal} does not exist in this Quadra file',
  'issue.journal_closed': 'Journal {journal} is closed in Quadra: open it there, then sync the reference data',
  'issue.document_not_found': 'Document {id} does not belong to this file',
  'issue.documents_not_attached':
    'Quadra can name one document per line: {extra} of the {count} documents will not be attached to the entry in Quadra',
  'issue.account_collision_one':
    "Account {account} would be sent as {short}, which is also where your account {others} goes: two ledgers would merge in Quadra. Ask an administrator of the firm to map it, in this file's account map, to a Quadra account of 8 characters at most (create it identically in Quadra first), then push the entry again.",
  'issue.account_collision_many':
    "Account {account} would be sent as {short}, which is also where your accounts {others} go: two ledgers would merge in Quadra. Ask an administrator of the firm to map it, in this file's account map, to a Quadra account of 8 characters at most (create it identically in Quadra first), then push the entry again.",
  'issue.duplicate_external_id': 'externalId {id} appears twice in this request (first at index {first})',
  'issue.external_id_other_file': 'externalId {id} already belongs to another file of this firm',
  'issue.account_encoded': 'Account {from} is written as {to} (Windows-1252)',

  // ---- The prerequisites of a file in Quadra (brief), each with what we found and the remedy.
  'prereq.open_period.ok': 'Open period: {from} to {to}.',
  'prereq.open_period.none': 'This file has no accounting period in Quadra.',
  'prereq.open_period.closed': 'The accounting period covering today ({from} to {to}) is closed in Quadra.',
  'prereq.open_period.uncovered': 'No accounting period of this file covers today ({today}) in Quadra.',
  'prereq.open_period.remedy': `To open an accounting period in Quadra, ${PERIOD_ADVICE}.`,
  'prereq.previous.none': 'There is no earlier period.',
  'prereq.previous.closed': 'Previous period closed: {from} to {to}.',
  'prereq.previous.open': 'The previous accounting period ({from} to {to}) is still open in Quadra.',
  'prereq.previous.remedy': `Close the previous period in Quadra: ${PERIOD_ADVICE}.`,
  'prereq.chart.none': 'This file has no general account in Quadra.',
  'prereq.chart.missing': 'The chart of accounts has no general account in {classes}.',
  'prereq.chart.class': 'class {digit} ({name})',
  'prereq.chart.class.4': 'third parties',
  'prereq.chart.class.5': 'bank and cash',
  'prereq.chart.class.6': 'expenses',
  'prereq.chart.class.7': 'revenue',
  'prereq.chart.remedy':
    'Complete the chart of accounts of this file in Quadra (general accounts of classes 4 to 7: third parties, bank, expenses and revenue), then refresh the reference data.',
  'prereq.journals.none': 'This file has no journal in Quadra.',
  'prereq.journals.all_closed': 'Every journal of this file is closed in Quadra: {closed}.',
  'prereq.journals.open': 'Open journals: {open}.',
  'prereq.journals.some_closed':
    'Open journals: {open}. Closed in Quadra: {closed}; entries in a closed journal wait until it is reopened.',
  'prereq.journals.remedy':
    'Open, in Quadra, the journals your entries use (purchases, sales, expense reports, bank), then refresh the reference data.',

  // ---- An entry's life: status messages and the notes of its attempts (stored in English, read back).
  'life.failed_check': 'A problem seems to have occurred during the synchronization of this entry. Please verify.', // brief
  'life.reference_hold_reason': REFERENCE_HOLD_REASON,
  'life.send_hold': `Held: ${REFERENCE_HOLD_REASON} Open them in Quadra, sync the reference data, or correct the entry.`,
  'life.resend_hold': `The re-send is held: ${REFERENCE_HOLD_REASON} Open them in Quadra and sync the reference data: it is sent again on the next night. Its nights still count: held on the {ordinal}, it ends in failed_check, where it can be corrected.`,
  'life.resend_held': 'The re-send is held: {reason}',
  'life.not_found_after_send':
    'Not found in Quadra {hours} hours after sending: it remains pending sending and a new attempt is made on each of the next {nights} nights.',
  'life.not_found_on_night': 'Not found in Quadra on night {night} of {nights}: sent again',
  'life.resent_on_night': 'Sent again on night {night} of {nights}. Open the file in Quadra to trigger the retrieval of entries.',
  'life.resent_waiting': 'Sent again, to wait in the exchange container until the file is opened in Quadra.',
  'life.file_waiting':
    'None of the latest entries sent to this file has reached Quadra: open the file in Quadra to trigger the retrieval of entries, then you can close it again.',
  'life.deferred':
    'Quadra has just taken the deposit; its entries can take a few minutes to appear: checked again in {minutes} minutes before anything is re-sent',
  'life.deposited_one': 'Sent in a deposit of 1 entry ({lines} lines)',
  'life.deposited_many': 'Sent in a deposit of {entries} entries ({lines} lines)',
  'life.deposited_one_replacing': 'Sent in a deposit of 1 entry ({lines} lines), replacing an earlier deposit',
  'life.deposited_many_replacing': 'Sent in a deposit of {entries} entries ({lines} lines), replacing an earlier deposit',
  'life.sent': 'Sent to Quadra. Open the file in Quadra to trigger the retrieval of entries, then you can close it again.',
  'life.not_sent': 'Not sent: {reason}',
  'life.build_failed': 'The deposit could not be built or uploaded; the entries stay pending and are sent again later.',
  'life.upload_unconfirmed':
    "The upload's answer was lost; whether it landed is settled from the container, or from Quadra after the import grace period. It is never uploaded twice.",
  'life.upload_recorded': 'The deposit was uploaded before an interruption; its sending is now recorded.',
  'life.upload_landed': 'The deposit is in the exchange container: its upload had landed.',
  'life.upload_never_arrived':
    'Not in the exchange container and not in Quadra {minutes} minutes after: the upload never arrived, it is deposited again now',
  'life.found': 'Found in Quadra',
  'life.found_times': 'Found {copies} times in Quadra: check the file there and delete the extra copies',
  'life.found_twice_after_posted': 'Found {copies} times in Quadra after it was posted: check the file there and delete the extra copies',
  'life.earlier_version': 'An earlier version of this entry is in Quadra too: check the file there and delete the one that is wrong',
  'life.verification_failed': 'Verification could not run; it is tried again.',
  'life.withdrawn_earlier_copy':
    'Withdrawn from the exchange container before Quadra took it: Quadra already shows entries of this deposit through an earlier copy, and would have imported them twice',
  'life.withdrawn_resumed':
    'Withdrawn from the exchange container before Quadra took it (a withdrawal interrupted earlier, completed by the sweep)',
  'life.withdrawn_before_taken': 'Earlier deposit withdrawn before Quadra took it',
  'life.revalidated': 'Corrected and validated again by the user',
  'life.withdrawn_back':
    'Its deposit was withdrawn before Quadra took it, and it is not in Quadra yet: it is looked for at the next night and sent again if still missing.',
  'life.corrected': 'Corrected: revalidate it to send it again.',
  'life.reference_sync_failed': 'Something went wrong on our side while refreshing the reference data; it is retried automatically.',
  'life.reference_sync_not_queued': 'The refresh could not be queued. Try again in a moment.',

  // ---- Cegid's answers, as a user reads them: the service, what happened, what to do.
  'cegid.service.cpa': 'Cegid CPA (Quadra data)',
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
  // Whole sentences (service: what happened. what to do.), so a stored one is read back whole.
  'cegid.user.container': `{service}: ${SUMMARY.container} ${REMEDY.container}`,
  'cegid.user.unauthorized_cpa': `{service}: ${SUMMARY.unauthorized} ${REMEDY.unauthorizedCpa}`,
  'cegid.user.unauthorized_cfe': `{service}: ${SUMMARY.unauthorized} ${REMEDY.unauthorizedCfe}`,
  'cegid.user.forbidden_cpa': `{service}: ${SUMMARY.forbidden} ${REMEDY.forbiddenCpa}`,
  'cegid.user.forbidden_cfe': `{service}: ${SUMMARY.forbidden} ${REMEDY.forbiddenCfe}`,
  'cegid.user.vendor_identity': `{service}: ${SUMMARY.vendorIdentity} ${REMEDY.vendorIdentity}`,
  'cegid.user.timeout': `{service}: ${SUMMARY.timeout} ${REMEDY.timeout}`,
  'cegid.user.unavailable': `{service}: ${SUMMARY.unavailable} ${REMEDY.unavailable}`,
  'cegid.user.rate_limited': `{service}: ${SUMMARY.rateLimited} ${REMEDY.rateLimited}`,
  'cegid.user.bad_response': `{service}: ${SUMMARY.badResponse} ${REMEDY.badResponse}`,
  'cegid.user.not_found': `{service}: ${SUMMARY.notFound} ${REMEDY.notFound}`,
  'cegid.user.server_error': `{service}: {service} returned an error. ${REMEDY.serverError}`,
  'cegid.user.refused': `{service}: {service} returned an error. ${REMEDY.refused}`,
  'cegid.paused': 'Cegid asked to slow down for this firm (paused {seconds} s more)',
  'cegid.no_slot': 'no free Cegid slot for this firm within {seconds} s (CEGID_CONCURRENCY_PER_FIRM)',
} as const;

export type MessageKey = keyof typeof en;
