import { z } from 'zod';
import { WEAKENING_CHROMIUM_SWITCHES } from './chromium-switches';
import { ISSUE_AT_DESK } from './issuance';
import { readerPatternSchema } from './reader-patterns';
import { LOCALES, type Locale } from './locales';
import { requestTypeNumbersSchema, retireReplacedCardSchema, retireRouteSchema } from './request-types';

/**
 * Every station setting, defined once (as VS Code declares a setting with its policy): its schema,
 * default, whether only machine policy sets it, when a change applies, how the settings form edits
 * it, its IT-facing and operator-facing texts (English and French: the form label and the Group
 * Policy / Intune explanation), and the value it takes in the safe state (an invalid policy).
 * settings.ts derives the settings schema, defaults, safe values, machine-only list, user schema
 * and restart list from this table; config/policy-keys.ts derives what IT sees (ADMX/ADML, the
 * docs' settings table) from it, through zod's public API only.
 */

export { LOCALES, type Locale };

/** How the settings form edits a setting (machine-only ones are shown read-only). */
export type FieldKind = 'text' | 'number' | 'list' | 'boolean' | 'locale';

export interface SettingText {
  /** The form's label, and the policy's display name in the Group Policy editor and Intune. */
  label: string;
  /** What IT reads in the policy editor (ADML explainText) and the docs' settings table. */
  explain: string;
}

export interface SettingDefinition<S extends z.ZodType = z.ZodType, M extends boolean = boolean> {
  schema: S;
  default: z.output<S>;
  /** Only IT sets it, through the OS's policy channel (SETTING_MACHINE_ONLY for anyone else). */
  machineOnly: M;
  /** 'restart': read when the station starts (the form says so). */
  applies: 'now' | 'restart';
  field: FieldKind;
  /** Its value while the machine policy is invalid or refused; the default when absent. */
  safe?: z.output<S>;
  /** A locale missing here is a type error. */
  text: Readonly<Record<Locale, SettingText>>;
}

function setting<S extends z.ZodType, M extends boolean>(definition: SettingDefinition<S, M>): SettingDefinition<S, M> {
  return definition;
}

/** '' means "not set": the feature that needs the URL stays off (no CM calls, no updates). */
const httpsUrlOrEmpty = z
  .string()
  .trim()
  .superRefine((value, ctx) => {
    if (value === '') return;
    const problem = httpsUrlProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: `${problem} (got "${value}")` });
  });

function httpsUrlProblem(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute https:// URL';
  }
  if (url.protocol !== 'https:') return 'must use https://';
  // Credentials in a URL would end up in logs and the settings screen; auth is integrated Windows auth.
  if (url.username !== '' || url.password !== '') return 'must not contain a user name or password';
  if (url.search !== '' || url.hash !== '') return 'must not contain a query or fragment';
  return null;
}

/**
 * Host patterns for integrated Windows authentication (Kerberos/NTLM): `cm.contoso.com` (that host
 * only) or `*.contoso.com` (any host under contoso.com). A bare `*` is refused: it would offer the
 * operator's Windows credentials to any server.
 */
export const authDomainPatternSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(?:\*\.)?[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$/, 'must be a host name such as "cm.contoso.com" or "*.contoso.com"');

/** '' (no export folder configured) or an absolute Windows (drive or UNC) or POSIX path. */
const absoluteFolderOrEmpty = z
  .string()
  .trim()
  .regex(/^(?:$|[A-Za-z]:[\\/]|\\\\[^\\/]+[\\/][^\\/]+|\/)/, 'must be an absolute folder path (or empty)');

const ldapUrlOrEmpty = z
  .string()
  .trim()
  .regex(/^(?:$|ldaps?:\/\/[^/?#\s]+\/?$)/, 'must be ldaps://host[:port] or ldap://host[:port] (StartTLS), or empty');

export const SETTING_DEFINITIONS = {
  /** CM REST API base, e.g. https://cm.contoso.com/CertificateManagement/api/v1.0/ ('' = CM off). */
  cmBaseUrl: setting({
    schema: httpsUrlOrEmpty.transform((url) => (url === '' || url.endsWith('/') ? url : `${url}/`)),
    default: '',
    machineOnly: true,
    applies: 'restart',
    field: 'text',
    safe: '',
    text: {
      en: {
        label: 'CM REST API address',
        explain:
          'The https:// address of the MIM CM REST API. The CM root (https://cm.contoso.com/CertificateManagement) or the API root (…/CertificateManagement/api/v1.0/) both work; a missing final / is added. No user name, password, query or fragment. Empty: the station stays in training mode (or does nothing if training is not allowed). Only machine policy can set it.',
      },
      fr: {
        label: 'Adresse de l’API REST de CM',
        explain:
          "L'adresse https:// de l'API REST de MIM CM. La racine de CM (https://cm.contoso.com/CertificateManagement) ou celle de l'API (…/CertificateManagement/api/v1.0/) conviennent ; un / final manquant est ajouté. Ni nom d'utilisateur, ni mot de passe, ni requête, ni fragment. Vide : le poste reste en mode formation (ou ne fait rien si la formation est interdite). Seule la stratégie machine peut la définir.",
      },
    },
  }),
  cmTimeoutMs: setting({
    schema: z.number().int().min(1_000).max(120_000),
    default: 15_000,
    machineOnly: false,
    applies: 'restart',
    field: 'number',
    text: {
      en: { label: 'CM timeout (milliseconds)', explain: 'How long the station waits for one CM answer, in milliseconds.' },
      fr: { label: 'Délai d’attente de CM (millisecondes)', explain: 'Combien de temps le poste attend une réponse de CM, en millisecondes.' },
    },
  }),
  /** Hosts that may receive the operator's Windows credentials (Kerberos/NTLM). */
  allowedAuthDomains: setting({
    schema: z.array(authDomainPatternSchema).max(50),
    default: [],
    machineOnly: true,
    applies: 'restart',
    field: 'list',
    safe: [],
    text: {
      en: {
        label: 'Hosts allowed for Windows sign-in',
        explain:
          "Host names to which the station may send the operator's Windows credentials (Kerberos/NTLM), one per line: cm.contoso.com or *.contoso.com. A bare * is refused. Empty: exactly the host of the CM address. Only machine policy can set it.",
      },
      fr: {
        label: 'Hôtes autorisés pour la connexion Windows',
        explain:
          "Noms d'hôtes auxquels le poste peut présenter les identifiants Windows de l'opérateur (Kerberos/NTLM), un par ligne : cm.contoso.com ou *.contoso.com. Un * seul est refusé. Vide : exactement l'hôte de l'adresse de CM. Seule la stratégie machine peut les définir.",
      },
    },
  }),
  readerInclude: setting({
    schema: z.array(readerPatternSchema).max(50),
    default: [],
    machineOnly: false,
    applies: 'now',
    field: 'list',
    text: {
      en: {
        label: 'Readers to show (patterns)',
        explain: 'Reader name patterns (one per line; * any run of characters, ? one character). Empty: every reader.',
      },
      fr: {
        label: 'Lecteurs à afficher (motifs)',
        explain: 'Motifs de noms de lecteurs (un par ligne ; * toute suite de caractères, ? un caractère). Vide : tous les lecteurs.',
      },
    },
  }),
  /** The Windows Hello virtual reader is never an enrollment target and confuses operators. */
  readerExclude: setting({
    schema: z.array(readerPatternSchema).max(50),
    default: ['*Windows Hello*'],
    machineOnly: false,
    applies: 'now',
    field: 'list',
    text: {
      en: { label: 'Readers to hide (patterns)', explain: 'Reader name patterns to hide (one per line), e.g. *Windows Hello*. Exclusion wins over inclusion.' },
      fr: {
        label: 'Lecteurs à masquer (motifs)',
        explain: "Motifs de noms de lecteurs à masquer (un par ligne), par ex. *Windows Hello*. L'exclusion l'emporte.",
      },
    },
  }),
  /** Whether this station may enter training mode at all (IT decides). A simulated enrollment must never be mistaken for a real one under a policy the station could not read. */
  trainingModeAllowed: setting({
    schema: z.boolean(),
    default: true,
    machineOnly: true,
    applies: 'now',
    field: 'boolean',
    safe: false,
    text: {
      en: {
        label: 'Training mode allowed',
        explain:
          'Whether operators may use training mode (a simulated CM and simulated cards). Disabled: the station only ever works against the real CM. Only machine policy can set it.',
      },
      fr: {
        label: 'Mode formation autorisé',
        explain:
          "Si les opérateurs peuvent utiliser le mode formation (CM et cartes simulés). Désactivé : le poste ne travaille qu'avec le vrai CM. Seule la stratégie machine peut le définir.",
      },
    },
  }),
  /** The operator's choice; only effective while trainingModeAllowed is true. */
  trainingMode: setting({
    schema: z.boolean(),
    default: false,
    machineOnly: false,
    applies: 'restart',
    field: 'boolean',
    safe: false,
    text: {
      en: { label: 'Training mode', explain: 'Start in training mode (only while training mode is allowed).' },
      fr: { label: 'Mode formation', explain: 'Démarrer en mode formation (seulement si la formation est autorisée).' },
    },
  }),
  /** Days a finished outbox operation stays visible before it is pruned. */
  outboxRetentionDays: setting({
    schema: z.number().int().min(1).max(3_650),
    default: 30,
    machineOnly: false,
    applies: 'restart',
    field: 'number',
    text: {
      en: {
        label: 'Days finished operations stay in the outbox',
        explain: 'Days a finished outbox operation stays listed before it is pruned (the audit log keeps everything).',
      },
      fr: {
        label: 'Jours de conservation des opérations terminées',
        explain: "Nombre de jours pendant lesquels une opération terminée reste affichée dans la file d'envoi (le journal d'audit garde tout).",
      },
    },
  }),
  auditExportFolder: setting({
    schema: absoluteFolderOrEmpty,
    default: '',
    machineOnly: true,
    applies: 'now',
    field: 'text',
    safe: '',
    text: {
      en: {
        label: 'Audit export folder',
        explain:
          "Absolute folder where audit CSV exports are written (a local path or a \\\\server\\share UNC path). Empty: the operator's Documents folder. Only machine policy can set it; a UNC path is accepted only from machine policy.",
      },
      fr: {
        label: 'Dossier d’export du journal',
        explain:
          "Dossier absolu où sont écrits les exports CSV de l'audit (chemin local ou chemin UNC \\\\serveur\\partage). Vide : le dossier Documents de l'opérateur. Seule la stratégie machine peut le définir ; un chemin UNC n'est accepté que d'elle.",
      },
    },
  }),
  locale: setting({
    schema: z.enum(LOCALES),
    default: 'en',
    machineOnly: false,
    applies: 'now',
    field: 'locale',
    text: {
      en: { label: 'Language', explain: 'The language of the station: en (English) or fr (French).' },
      fr: { label: 'Langue', explain: 'La langue du poste : en (anglais) ou fr (français).' },
    },
  }),
  /** Update feed; '' = the station never looks for updates. */
  updateFeedUrl: setting({
    schema: httpsUrlOrEmpty,
    default: '',
    machineOnly: true,
    applies: 'now',
    field: 'text',
    safe: '',
    text: {
      en: {
        label: 'Update feed address',
        explain: 'The https:// address the station checks for updates. Empty: it never looks for updates. Only machine policy can set it.',
      },
      fr: {
        label: 'Adresse des mises à jour',
        explain: "L'adresse https:// où le poste cherche ses mises à jour. Vide : il n'en cherche jamais. Seule la stratégie machine peut la définir.",
      },
    },
  }),
  /** 'auto': Active Directory on a domain-joined Windows PC, none elsewhere. No directory under a policy the station could not read: it would be asked as configured by that policy. */
  directoryKind: setting({
    schema: z.enum(['auto', 'none', 'ad', 'ldap']),
    default: 'auto',
    machineOnly: true,
    applies: 'now',
    field: 'text',
    safe: 'none',
    text: {
      en: {
        label: 'Directory for people’s names (auto, none, ad, ldap)',
        explain:
          'Where the station looks up people’s names: auto (Active Directory on a domain-joined Windows PC, none elsewhere), ad, ldap or none. Only machine policy can set it.',
      },
      fr: {
        label: 'Annuaire pour les noms des personnes (auto, none, ad, ldap)',
        explain:
          'Où le poste cherche le nom des personnes : auto (Active Directory sur un PC Windows joint au domaine, aucun ailleurs), ad, ldap ou none. Seule la stratégie machine peut le définir.',
      },
    },
  }),
  directoryLdapUrl: setting({
    schema: ldapUrlOrEmpty,
    default: '',
    machineOnly: true,
    applies: 'now',
    field: 'text',
    text: {
      en: {
        label: 'LDAP server address',
        explain: 'ldaps://host[:port], or ldap://host[:port] with StartTLS before any bind. Empty: no LDAP directory. Only machine policy can set it.',
      },
      fr: {
        label: 'Adresse du serveur LDAP',
        explain:
          'ldaps://hôte[:port], ou ldap://hôte[:port] avec StartTLS avant toute authentification. Vide : pas d’annuaire LDAP. Seule la stratégie machine peut le définir.',
      },
    },
  }),
  /** PEM file of the CA for the LDAP server's certificate; '' = the system's trust store. */
  directoryLdapCaFile: setting({
    schema: absoluteFolderOrEmpty,
    default: '',
    machineOnly: true,
    applies: 'now',
    field: 'text',
    text: {
      en: {
        label: 'LDAP server certificate authority (PEM file)',
        explain: 'Absolute path of a PEM file with the CA of the LDAP server’s certificate. Empty: the system’s trust store. Only machine policy can set it.',
      },
      fr: {
        label: 'Autorité de certification du serveur LDAP (fichier PEM)',
        explain:
          'Chemin absolu d’un fichier PEM contenant l’AC du certificat du serveur LDAP. Vide : le magasin de confiance du système. Seule la stratégie machine peut le définir.',
      },
    },
  }),
  /** '' = anonymous bind. */
  directoryLdapBindDn: setting({
    schema: z.string().trim().max(500),
    default: '',
    machineOnly: true,
    applies: 'now',
    field: 'text',
    text: {
      en: { label: 'LDAP bind account (DN)', explain: 'The distinguished name the station binds as. Empty: anonymous. Only machine policy can set it.' },
      fr: {
        label: 'Compte de connexion LDAP (DN)',
        explain: 'Le nom distinctif sous lequel le poste s’authentifie. Vide : anonyme. Seule la stratégie machine peut le définir.',
      },
    },
  }),
  /** A file holding the bind password (the policy itself never holds a secret). */
  directoryLdapBindPasswordFile: setting({
    schema: absoluteFolderOrEmpty,
    default: '',
    machineOnly: true,
    applies: 'now',
    field: 'text',
    text: {
      en: {
        label: 'LDAP bind password file',
        explain: 'Absolute path of a file that holds the bind password (the policy never holds a secret). Only machine policy can set it.',
      },
      fr: {
        label: 'Fichier du mot de passe de connexion LDAP',
        explain:
          'Chemin absolu d’un fichier contenant le mot de passe d’authentification (la stratégie ne contient jamais de secret). Seule la stratégie machine peut le définir.',
      },
    },
  }),
  directoryLdapBaseDn: setting({
    schema: z.string().trim().max(500),
    default: '',
    machineOnly: true,
    applies: 'now',
    field: 'text',
    text: {
      en: { label: 'LDAP search base (DN)', explain: 'The distinguished name under which people are searched. Only machine policy can set it.' },
      fr: {
        label: 'Base de recherche LDAP (DN)',
        explain: 'Le nom distinctif sous lequel les personnes sont cherchées. Seule la stratégie machine peut le définir.',
      },
    },
  }),
  directoryLdapGuidAttribute: setting({
    schema: z.enum(['objectGUID', 'entryUUID']),
    default: 'objectGUID',
    machineOnly: true,
    applies: 'now',
    field: 'text',
    text: {
      en: {
        label: 'LDAP GUID attribute',
        explain: 'The attribute that holds CM’s user GUID: objectGUID (Active Directory) or entryUUID (OpenLDAP). Only machine policy can set it.',
      },
      fr: {
        label: 'Attribut GUID LDAP',
        explain:
          'L’attribut qui porte le GUID d’utilisateur de CM : objectGUID (Active Directory) ou entryUUID (OpenLDAP). Seule la stratégie machine peut le définir.',
      },
    },
  }),
  directoryLdapAccountAttribute: setting({
    schema: z
      .string()
      .trim()
      .regex(/^[A-Za-z][A-Za-z0-9-]*$/, 'must be an LDAP attribute name'),
    default: 'sAMAccountName',
    machineOnly: true,
    applies: 'now',
    field: 'text',
    text: {
      en: {
        label: 'LDAP account attribute',
        explain: 'The attribute shown as the person’s account, e.g. sAMAccountName or uid. Only machine policy can set it.',
      },
      fr: {
        label: 'Attribut de compte LDAP',
        explain: 'L’attribut affiché comme compte de la personne, par ex. sAMAccountName ou uid. Seule la stratégie machine peut le définir.',
      },
    },
  }),
  /** NetBIOS domain shown before LDAP accounts (CONTOSO\\dana); '' = the account alone. */
  directoryAccountDomain: setting({
    schema: z.string().trim().max(15),
    default: '',
    machineOnly: true,
    applies: 'now',
    field: 'text',
    text: {
      en: {
        label: 'Domain shown before accounts',
        explain: 'The NetBIOS domain shown before LDAP accounts (CONTOSO\\dana). Empty: the account alone. Only machine policy can set it.',
      },
      fr: {
        label: 'Domaine affiché devant les comptes',
        explain: 'Le domaine NetBIOS affiché devant les comptes LDAP (CONTOSO\\dana). Vide : le compte seul. Seule la stratégie machine peut le définir.',
      },
    },
  }),
  /** How long a name stays usable without the directory (offline), in days. */
  directoryCacheDays: setting({
    schema: z.number().int().min(1).max(365),
    default: 30,
    machineOnly: true,
    applies: 'now',
    field: 'number',
    text: {
      en: {
        label: 'Days names stay usable offline',
        explain: 'How many days a name found in the directory stays usable while the directory cannot be reached. Only machine policy can set it.',
      },
      fr: {
        label: 'Jours pendant lesquels les noms restent utilisables hors ligne',
        explain:
          'Pendant combien de jours un nom trouvé dans l’annuaire reste utilisable quand l’annuaire est injoignable. Seule la stratégie machine peut le définir.',
      },
    },
  }),
  /** CM RequestType numbers IT confirmed on its CM, e.g. {"2": "Recover"} (see docs/cm-notes.md). Shown as its JSON. */
  requestTypeNumbers: setting({
    schema: requestTypeNumbersSchema,
    default: {},
    machineOnly: true,
    applies: 'now',
    field: 'text',
    text: {
      en: {
        label: 'CM request type numbers confirmed by IT',
        explain:
          'How this CM numbers request types, one "number=Name" per line (e.g. 2=Recover). Names: Enroll, Duplicate, Recover, RecoverOnBehalf, Renew, TemporaryCardEnroll, Unblock, OfflineUnblock, OnlineUpdate, Retire, Revoke, Disable, Reinstate, SuspendOrReinstate, TemporaryCardDisable, TemporaryCardRetire. 1 (Enroll) and 5 (Unblock) are documented by Microsoft and cannot be remapped. Only machine policy can set it.',
      },
      fr: {
        label: 'Numéros de type de demande CM confirmés par l’informatique',
        explain:
          'Comment ce CM numérote les types de requête, une ligne « numéro=Nom » (par ex. 2=Recover). Noms : Enroll, Duplicate, Recover, RecoverOnBehalf, Renew, TemporaryCardEnroll, Unblock, OfflineUnblock, OnlineUpdate, Retire, Revoke, Disable, Reinstate, SuspendOrReinstate, TemporaryCardDisable, TemporaryCardRetire. 1 (Enroll) et 5 (Unblock) sont documentés par Microsoft et ne peuvent pas être redéfinis. Seule la stratégie machine peut les définir.',
      },
    },
  }),
  /** Binding does not execute the request: by default the old card is retired only once the new one is Active. */
  retireReplacedCard: setting({
    schema: retireReplacedCardSchema,
    default: 'when-new-card-active',
    machineOnly: true,
    applies: 'now',
    field: 'text',
    text: {
      en: {
        label: 'When a replaced card is retired',
        explain:
          'When the station retires the card a new card replaces: when-new-card-active (once CM shows the new card Active), after-bind (right after the bind) or never (retire it in CM yourself). Only machine policy can set it.',
      },
      fr: {
        label: 'Quand une carte remplacée est retirée',
        explain:
          'Quand le poste retire la carte que la nouvelle remplace : when-new-card-active (dès que CM montre la nouvelle carte active), after-bind (juste après l’association) ou never (à retirer soi-même dans CM). Seule la stratégie machine peut le définir.',
      },
    },
  }),
  /** Desk issuance after the bind (../shared/docs/desk-issuance.md, docs/deploying.md "Issuing at the desk"). */
  issueAtDesk: setting({
    schema: z.enum(ISSUE_AT_DESK),
    // Offered after a bind the station can issue; the operator may still bind only.
    default: 'offer',
    machineOnly: true,
    applies: 'now',
    field: 'text',
    // No desk issuance under a policy the station could not read: writing keys to a card waits for IT's word.
    safe: 'off',
    text: {
      en: {
        label: 'Issue cards at the desk',
        explain:
          'Whether the station executes the CM request on the card after the bind (keys generated on the card, certificates written, the user\'s PIN set): off (bind only), offer (the operator chooses "Issue now" or "Bind only") or always (a card that cannot be issued is refused before the bind). The profile\'s initial admin key must equal the cards\' factory key. Only machine policy can set it.',
      },
      fr: {
        label: 'Émettre les cartes au guichet',
        explain:
          "Si le poste exécute la demande CM sur la carte après l'association (clés générées sur la carte, certificats écrits, code PIN de l'utilisateur défini) : off (association seule), offer (l'opérateur choisit « Émettre maintenant » ou « Associer seulement ») ou always (une carte qui ne peut pas être émise est refusée avant l'association). La clé d'administration initiale du profil doit être celle des cartes neuves. Seule la stratégie machine peut le définir.",
      },
    },
  }),
  /** Which request id a retire's status PUT takes (docs/cm-notes.md, "Retire route"). */
  retireRoute: setting({
    schema: retireRouteSchema,
    // The reading whose every step is documented (create-request.md, update-smartcard-status.md).
    default: 'retire-request',
    machineOnly: true,
    applies: 'now',
    field: 'text',
    text: {
      en: {
        label: 'How a card is retired in CM',
        explain:
          'retire-request: the station creates a Retire request for the card in CM, waits for its approval, then retires the card under it. ' +
          'replacing-request: the card is retired under the request that replaced it. Confirm it once (deploying.md). Only machine policy can set it.',
      },
      fr: {
        label: 'Comment une carte est retirée dans CM',
        explain:
          'retire-request : le poste crée dans CM une demande de retrait pour la carte, attend son approbation, puis retire la carte sous cette demande. ' +
          'replacing-request : la carte est retirée sous la demande qui l’a remplacée. À confirmer une fois (deploying.md). Seule la stratégie machine peut le définir.',
      },
    },
  }),
  /**
   * Chromium switches that weaken TLS, proxy, name resolution or the sandbox which the packaged app
   * may be started with (e.g. a support engineer's `--log-net-log`); none by default.
   */
  allowedChromiumSwitches: setting({
    schema: z.array(z.enum(WEAKENING_CHROMIUM_SWITCHES)).max(WEAKENING_CHROMIUM_SWITCHES.length),
    default: [],
    machineOnly: true,
    applies: 'restart',
    field: 'list',
    text: {
      en: {
        label: 'Chromium switches allowed at start',
        explain:
          'Command-line switches that weaken TLS, proxy, name resolution, sign-in scope or the sandbox (e.g. log-net-log, proxy-server), one name per line without the leading dashes, which the app may be started with. Empty: the app refuses to start with any of them. Only machine policy can set it.',
      },
      fr: {
        label: 'Options Chromium permises au démarrage',
        explain:
          'Options de ligne de commande qui affaiblissent TLS, le proxy, la résolution de noms, la portée de l’authentification ou le bac à sable (par ex. log-net-log, proxy-server), un nom par ligne sans les tirets, avec lesquelles l’application peut démarrer. Vide : l’application refuse de démarrer avec l’une d’elles. Seule la stratégie machine peut le définir.',
      },
    },
  }),
};

export type SettingDefinitions = typeof SETTING_DEFINITIONS;
