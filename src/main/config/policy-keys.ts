import type { z } from 'zod';
import { isMachineOnlyKey, type SettingKey, settingsSchema } from '../../shared/settings';

/**
 * What each setting looks like to IT, derived from the one settings schema (src/shared/settings.ts)
 * so every channel (registry, managed preferences, /etc JSON, development file) and the generated
 * ADMX/ADML agree: kind, range and options come from the zod schema itself, the explanations from
 * POLICY_TEXTS below, which the compiler requires for every key.
 */
export type PolicyKind = 'string' | 'number' | 'boolean' | 'list' | 'enum' | 'map';

export interface PolicyText {
  label: string;
  explain: string;
}

export interface PolicyKeySpec {
  key: SettingKey;
  kind: PolicyKind;
  /** Only IT sets it (POLICY_ONLY_KEYS); otherwise IT may make it mandatory or recommend it. */
  machineOnly: boolean;
  min?: number;
  max?: number;
  maxItems?: number;
  options?: readonly string[];
  text: { en: PolicyText; fr: PolicyText };
}

/** The product's policy names: the registry key, the ADMX namespace, the macOS domain's app id. */
export const POLICY_PRODUCT = 'EnrollmentStation';
export const POLICY_REGISTRY_KEY = `SOFTWARE\\Policies\\${POLICY_PRODUCT}`;
/** Recommended values (the operator may change them) live in this subkey / dict / object. */
export const RECOMMENDED = 'Recommended';
/** electron-builder.yml appId: the macOS managed-preferences domain. */
export const APP_ID = 'io.enrollmentstation.station';

type AnySchema = z.ZodType & { def: { type: string; in?: AnySchema; checks?: Array<{ _zod: { def: Record<string, unknown> } }> } };

function kindOf(schema: AnySchema): PolicyKind {
  switch (schema.def.type) {
    case 'boolean':
      return 'boolean';
    case 'number':
      return 'number';
    case 'array':
      return 'list';
    case 'enum':
      return 'enum';
    case 'record':
      return 'map';
    case 'pipe':
      return kindOf(schema.def.in as AnySchema);
    default:
      return 'string';
  }
}

function maxItemsOf(schema: AnySchema): number | undefined {
  const def = schema.def.checks?.map((c) => c._zod.def as unknown as Record<string, unknown>).find((d) => d['check'] === 'max_length');
  const maximum = def?.['maximum'];
  return typeof maximum === 'number' ? maximum : undefined;
}

export function policyKeySpecs(): PolicyKeySpec[] {
  return (Object.entries(settingsSchema.shape) as Array<[SettingKey, AnySchema]>).map(([key, schema]) => {
    const kind = kindOf(schema);
    const text = POLICY_TEXTS[key];
    const spec: PolicyKeySpec = { key, kind, machineOnly: isMachineOnlyKey(key), text };
    if (kind === 'number') {
      const n = schema as unknown as z.ZodNumber;
      if (n.minValue !== null && Number.isFinite(n.minValue)) spec.min = n.minValue;
      if (n.maxValue !== null && Number.isFinite(n.maxValue)) spec.max = n.maxValue;
    }
    if (kind === 'list') {
      const maxItems = maxItemsOf(schema);
      if (maxItems !== undefined) spec.maxItems = maxItems;
    }
    if (kind === 'enum') spec.options = (schema as unknown as z.ZodEnum).options as string[];
    return spec;
  });
}

/**
 * IT-facing names and explanations (English and French), shown in the Group Policy editor and Intune.
 * Every setting has them: the compiler refuses a new setting without its texts.
 */
const POLICY_TEXTS: Readonly<Record<SettingKey, { en: PolicyText; fr: PolicyText }>> = {
  cmBaseUrl: {
    en: { label: 'CM REST API address', explain: 'The https:// address of the MIM CM REST API, e.g. https://cm.contoso.com/CertificateManagement/api/v1.0/. Empty: the station stays in training mode (or does nothing if training is not allowed). Only machine policy can set it.' },
    fr: { label: "Adresse de l'API REST CM", explain: "L'adresse https:// de l'API REST de MIM CM, par ex. https://cm.contoso.com/CertificateManagement/api/v1.0/. Vide : le poste reste en mode formation (ou ne fait rien si la formation est interdite). Seule la stratégie machine peut la définir." },
  },
  cmTimeoutMs: {
    en: { label: 'CM request timeout (ms)', explain: 'How long the station waits for one CM answer, in milliseconds.' },
    fr: { label: "Délai d'attente des requêtes CM (ms)", explain: 'Combien de temps le poste attend une réponse de CM, en millisecondes.' },
  },
  allowedAuthDomains: {
    en: { label: 'Hosts allowed for Windows sign-in', explain: 'Host names to which the station may send the operator\'s Windows credentials (Kerberos/NTLM), one per line: cm.contoso.com or *.contoso.com. A bare * is refused. Only machine policy can set it.' },
    fr: { label: 'Hôtes autorisés pour la connexion Windows', explain: "Noms d'hôtes auxquels le poste peut présenter les identifiants Windows de l'opérateur (Kerberos/NTLM), un par ligne : cm.contoso.com ou *.contoso.com. Un * seul est refusé. Seule la stratégie machine peut les définir." },
  },
  readerInclude: {
    en: { label: 'Readers shown', explain: 'Reader name patterns (one per line; * any run of characters, ? one character). Empty: every reader.' },
    fr: { label: 'Lecteurs affichés', explain: 'Motifs de noms de lecteurs (un par ligne ; * toute suite de caractères, ? un caractère). Vide : tous les lecteurs.' },
  },
  readerExclude: {
    en: { label: 'Readers hidden', explain: 'Reader name patterns to hide (one per line), e.g. *Windows Hello*. Exclusion wins over inclusion.' },
    fr: { label: 'Lecteurs masqués', explain: 'Motifs de noms de lecteurs à masquer (un par ligne), par ex. *Windows Hello*. L\'exclusion l\'emporte.' },
  },
  trainingModeAllowed: {
    en: { label: 'Allow training mode', explain: 'Whether operators may use training mode (a simulated CM and simulated cards). Disabled: the station only ever works against the real CM. Only machine policy can set it.' },
    fr: { label: 'Autoriser le mode formation', explain: "Si les opérateurs peuvent utiliser le mode formation (CM et cartes simulés). Désactivé : le poste ne travaille qu'avec le vrai CM. Seule la stratégie machine peut le définir." },
  },
  trainingMode: {
    en: { label: 'Training mode', explain: 'Start in training mode (only while training mode is allowed).' },
    fr: { label: 'Mode formation', explain: 'Démarrer en mode formation (seulement si la formation est autorisée).' },
  },
  outboxRetentionDays: {
    en: { label: 'Days finished operations stay visible', explain: 'Days a finished outbox operation stays listed before it is pruned (the audit log keeps everything).' },
    fr: { label: 'Jours de conservation des opérations terminées', explain: "Nombre de jours pendant lesquels une opération terminée reste affichée dans la file d'envoi (le journal d'audit garde tout)." },
  },
  auditExportFolder: {
    en: { label: 'Audit export folder', explain: 'Absolute folder where audit CSV exports are written (a local path or a \\\\server\\share UNC path). Empty: the operator\'s Documents folder. Only machine policy can set it; a UNC path is accepted only from machine policy.' },
    fr: { label: "Dossier d'export de l'audit", explain: "Dossier absolu où sont écrits les exports CSV de l'audit (chemin local ou chemin UNC \\\\serveur\\partage). Vide : le dossier Documents de l'opérateur. Seule la stratégie machine peut le définir ; un chemin UNC n'est accepté que d'elle." },
  },
  locale: {
    en: { label: 'Language', explain: 'The language of the station: en (English) or fr (French).' },
    fr: { label: 'Langue', explain: 'La langue du poste : en (anglais) ou fr (français).' },
  },
  updateFeedUrl: {
    en: { label: 'Update feed address', explain: 'The https:// address the station checks for updates. Empty: it never looks for updates. Only machine policy can set it.' },
    fr: { label: 'Adresse du flux de mises à jour', explain: "L'adresse https:// où le poste cherche ses mises à jour. Vide : il n'en cherche jamais. Seule la stratégie machine peut la définir." },
  },
  // The directory (names beside CM's user GUIDs; docs/deploying.md "Directory"): machine policy only.
  directoryKind: {
    en: { label: 'Directory for names', explain: 'Where the station looks up people’s names: auto (Active Directory on a domain-joined Windows PC, none elsewhere), ad, ldap or none. Only machine policy can set it.' },
    fr: { label: 'Annuaire des noms', explain: 'Où le poste cherche le nom des personnes : auto (Active Directory sur un PC Windows joint au domaine, aucun ailleurs), ad, ldap ou none. Seule la stratégie machine peut le définir.' },
  },
  directoryLdapUrl: {
    en: { label: 'LDAP server', explain: 'ldaps://host[:port], or ldap://host[:port] with StartTLS before any bind. Empty: no LDAP directory. Only machine policy can set it.' },
    fr: { label: 'Serveur LDAP', explain: 'ldaps://hôte[:port], ou ldap://hôte[:port] avec StartTLS avant toute authentification. Vide : pas d’annuaire LDAP. Seule la stratégie machine peut le définir.' },
  },
  directoryLdapCaFile: {
    en: { label: 'LDAP server CA file', explain: 'Absolute path of a PEM file with the CA of the LDAP server’s certificate. Empty: the system’s trust store. Only machine policy can set it.' },
    fr: { label: 'Fichier d’AC du serveur LDAP', explain: 'Chemin absolu d’un fichier PEM contenant l’AC du certificat du serveur LDAP. Vide : le magasin de confiance du système. Seule la stratégie machine peut le définir.' },
  },
  directoryLdapBindDn: {
    en: { label: 'LDAP bind name', explain: 'The distinguished name the station binds as. Empty: anonymous. Only machine policy can set it.' },
    fr: { label: 'Nom d’authentification LDAP', explain: 'Le nom distinctif sous lequel le poste s’authentifie. Vide : anonyme. Seule la stratégie machine peut le définir.' },
  },
  directoryLdapBindPasswordFile: {
    en: { label: 'LDAP bind password file', explain: 'Absolute path of a file that holds the bind password (the policy never holds a secret). Only machine policy can set it.' },
    fr: { label: 'Fichier du mot de passe LDAP', explain: 'Chemin absolu d’un fichier contenant le mot de passe d’authentification (la stratégie ne contient jamais de secret). Seule la stratégie machine peut le définir.' },
  },
  directoryLdapBaseDn: {
    en: { label: 'LDAP search base', explain: 'The distinguished name under which people are searched. Only machine policy can set it.' },
    fr: { label: 'Base de recherche LDAP', explain: 'Le nom distinctif sous lequel les personnes sont cherchées. Seule la stratégie machine peut le définir.' },
  },
  directoryLdapGuidAttribute: {
    en: { label: 'LDAP GUID attribute', explain: 'The attribute that holds CM’s user GUID: objectGUID (Active Directory) or entryUUID (OpenLDAP). Only machine policy can set it.' },
    fr: { label: 'Attribut GUID LDAP', explain: 'L’attribut qui porte le GUID d’utilisateur de CM : objectGUID (Active Directory) ou entryUUID (OpenLDAP). Seule la stratégie machine peut le définir.' },
  },
  directoryLdapAccountAttribute: {
    en: { label: 'LDAP account attribute', explain: 'The attribute shown as the person’s account, e.g. sAMAccountName or uid. Only machine policy can set it.' },
    fr: { label: 'Attribut de compte LDAP', explain: 'L’attribut affiché comme compte de la personne, par ex. sAMAccountName ou uid. Seule la stratégie machine peut le définir.' },
  },
  directoryAccountDomain: {
    en: { label: 'Account domain shown', explain: 'The NetBIOS domain shown before LDAP accounts (CONTOSO\\dana). Empty: the account alone. Only machine policy can set it.' },
    fr: { label: 'Domaine affiché des comptes', explain: 'Le domaine NetBIOS affiché devant les comptes LDAP (CONTOSO\\dana). Vide : le compte seul. Seule la stratégie machine peut le définir.' },
  },
  directoryCacheDays: {
    en: { label: 'Days names stay usable offline', explain: 'How many days a name found in the directory stays usable while the directory cannot be reached. Only machine policy can set it.' },
    fr: { label: 'Jours d’usage des noms hors ligne', explain: 'Pendant combien de jours un nom trouvé dans l’annuaire reste utilisable quand l’annuaire est injoignable. Seule la stratégie machine peut le définir.' },
  },
  requestTypeNumbers: {
    en: { label: 'CM request type numbers', explain: 'How this CM numbers request types, one "number=Name" per line (e.g. 6=Recover). Only machine policy can set it.' },
    fr: { label: 'Numéros des types de requête CM', explain: 'Comment ce CM numérote les types de requête, une ligne « numéro=Nom » (par ex. 6=Recover). Seule la stratégie machine peut les définir.' },
  },
  retireReplacedCard: {
    en: { label: 'When to retire the replaced card', explain: 'When the station retires the card a new card replaces. Only machine policy can set it.' },
    fr: { label: 'Quand retirer la carte remplacée', explain: 'Quand le poste retire la carte que la nouvelle remplace. Seule la stratégie machine peut le définir.' },
  },
  issueAtDesk: {
    en: { label: 'Issue cards at the desk', explain: 'Whether the station executes the CM request on the card after the bind (keys generated on the card, certificates written, the user\'s PIN set): off (bind only), offer (the operator chooses "Issue now" or "Bind only") or always. The profile\'s initial admin key must equal the cards\' factory key. Only machine policy can set it.' },
    fr: { label: 'Émettre les cartes au guichet', explain: "Si le poste exécute la demande CM sur la carte après l'association (clés générées sur la carte, certificats écrits, code PIN de l'utilisateur défini) : off (association seule), offer (l'opérateur choisit « Émettre maintenant » ou « Associer seulement ») ou always. La clé d'administration initiale du profil doit être celle des cartes neuves. Seule la stratégie machine peut le définir." },
  },
};
