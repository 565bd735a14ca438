//! The TypeScript shapes of every spec and result object, in one place.
//! wasm-bindgen copies this text into the `.d.ts` it writes beside each
//! module; the functions name these types with `unchecked_param_type` /
//! `unchecked_return_type`, so no public signature says `any`. The text lives
//! in a custom section that wasm-bindgen removes: the wasm does not grow.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** Key types: RSA 2048/3072/4096 bit, ECDSA on P-256 or P-384. */
export type KeyAlgorithm = 'rsa-2048' | 'rsa-3072' | 'rsa-4096' | 'ec-p256' | 'ec-p384';
/** `pkcs8`: PKCS#8 PEM; `traditional`: PKCS#1 (RSA) or SEC1 (EC) PEM. */
export type KeyFormat = 'pkcs8' | 'traditional';
/** `modern`: AES-256 + SHA-256 (OpenSSL 3's default); `legacy`: 3DES / RC2 + SHA-1 (older Windows, Java 8). */
export type PfxProfile = 'modern' | 'legacy';
/** A certificate's place in what was made. */
export type CertificateRole = 'root' | 'intermediate' | 'device' | 'edge-ca' | 'edge-identity' | 'edge-server' | 'primary' | 'secondary' | 'verification' | 'client';

/** A rule of the chain verdict (RFC 5280 §6 as a TLS server applies it, and the profile rules). */
export type ChainRule = 'missing-issuer' | 'root' | 'signature' | 'validity' | 'basic-constraints' | 'key-usage' | 'pathlen' | 'eku' | 'name-constraints' | 'aki-ski' | 'critical-extension' | 'criticality' | 'duplicate-extension' | 'extension' | 'serial' | 'names' | 'subject-alt-name' | 'depth' | 'encoding' | 'path';
/** A rule of the Azure preflight. */
export type PreflightRuleId = 'chain-to-uploaded-ca' | 'issued-under-uploaded-ca' | 'chain-accepted' | 'registration-id' | 'validity' | 'client-auth' | 'rsa-key-size' | 'sha2-signatures' | 'iot-edge-1-1-expiry' | 'device-registry-device' | 'device-registry-root' | 'event-grid-authentication-name' | 'event-grid-immediate-issuer';
/** What the preflight found for a rule: `not-checked` when the files given can't tell. */
export type RuleStatus = 'passed' | 'failed' | 'not-checked';

/** The Error every function throws: `field` names the setting at fault, when one is. */
export interface StudioError extends Error {
  field?: string;
}

/** A file as the studio writes it, at its path in the tutorial's folder. */
export interface StudioFile {
  path: string;
  description: string;
  /** It holds a private key (write it owner-read-only). */
  secret: boolean;
  contents: Uint8Array;
}

/** A file handed to the studio (zipFiles, BatchArchive, rewriteSnippets). */
export interface FileInput {
  path: string;
  contents: Uint8Array;
  secret?: boolean;
  description?: string;
}

/** A file by its name, as read from disk or dropped on the page. */
export interface NamedFile {
  name: string;
  contents: Uint8Array;
}

/** One certificate of a result. */
export interface ChainEntry {
  role: CertificateRole;
  commonName: string;
  issuerCommonName: string;
  keyAlgorithm: KeyAlgorithm;
  /** How a person names the key type, e.g. `EC P-256`. */
  keyLabel: string;
  /** ISO 8601, UTC. */
  notAfter: string;
  /** Upper-case hex, no colons, as the Azure portal shows it. */
  thumbprintSha1: string;
  thumbprintSha256: string;
  certificatePath: string;
}

/** What every product returns: its files and its certificates. */
export interface Product {
  files: StudioFile[];
  chain: ChainEntry[];
}

/** Keys made elsewhere (PKCS#8 DER), in the order the function names; `undefined`: the core makes them. */
export type KeysInput = Uint8Array[] | undefined | null;

/** What a product is made from (makeEdgeChain, makeIndividualEnrollment, makeDeviceRegistryRoot). */
export interface ProductRequest<Spec> {
  /** The form's settings; every field optional, the defaults are the tutorial's. */
  spec?: Spec;
  /** Keys made elsewhere (PKCS#8 DER), in the order the function names; none: the core makes them. */
  keys?: Uint8Array[] | null;
  /** The time the certificates start from (ms since 1970, e.g. `Date.now()`). */
  nowMs: number;
}

/** A product with CA keys: their password may come stretched (makeEdgeChain). */
export interface CaProductRequest<Spec> extends ProductRequest<Spec> {
  stretchedCaPassword?: StretchedPassword | null;
}

/** The tutorial chain's request (makeChain, buildChain, planChainSignatures). */
export interface ChainRequest extends CaProductRequest<ChainSpec> {
  /** RSA signatures made elsewhere, after planChainSignatures with the same request (buildChain). */
  presigned?: Presigned | null;
}

/** Where a device certificate starts and ends, other than now and `validityDays` later (ms since 1970). */
export interface ValidityBounds {
  notBeforeMs?: number;
  notAfterMs?: number;
}

/** How devices' files are written: key format, PFX and the SDK samples' settings. */
export interface DeviceFileSettings extends ValidityBounds {
  keyFormat?: KeyFormat;
  pfxProfile?: PfxProfile;
  pfxPassword?: string;
  idScope?: string;
  hubName?: string;
  folder?: string;
  dpsName?: string;
  resourceGroup?: string;
}

/** The tutorial chain (every field optional; the defaults are the tutorial's). */
export interface ChainSpec extends DeviceFileSettings {
  keyAlgorithm?: KeyAlgorithm;
  rootCn?: string;
  /** From the root down; 0 to 5 of them. */
  intermediateCns?: string[];
  /** Registration IDs. */
  devices?: string[];
  validityDays?: number;
  /** `''`: the CA keys are written unencrypted. */
  caKeyPassword?: string;
}

/** The IoT Edge chain, with iotedge `certGen.sh` names. */
/** Where Event Grid's broker reads a client's authentication name (`thumbprint`: self-signed clients, matched by SHA-256). */
export type ValidationScheme = 'subject' | 'dns' | 'uri' | 'ip' | 'email' | 'thumbprint';

/** The Event Grid form (makeEventGrid, eventGridKeyAlgorithms): every field optional (P-256, subject, client-1 and client-2, 100 days). */
export interface EventGridSpec {
  keyAlgorithm?: KeyAlgorithm;
  validation?: ValidationScheme;
  /** `name` or `name=authentication-name` (1–128 of letters, digits, - : . _), or a range `meter-{01..20}`. */
  clients?: string[];
  rootCn?: string;
  intermediateCn?: string;
  /** The name the intermediate is uploaded under: 3–50 letters, digits and -. */
  caCertificateName?: string;
  validityDays?: number;
  notBeforeMs?: number;
  notAfterMs?: number;
  /** `''`: the CA keys unencrypted (default `1234`). */
  caKeyPassword?: string;
  pfxProfile?: PfxProfile;
  pfxPassword?: string;
  namespace?: string;
  resourceGroup?: string;
  mqttHostname?: string;
}

/** One client as `snippets/event-grid.az-cli.sh` registers it. */
export interface EventGridClient {
  clientName: string;
  authenticationName: string;
  /** Event Grid's name, e.g. `SubjectMatchesAuthenticationName`. */
  validationScheme: string;
  /** Thumbprint clients: the SHA-256 as `allowedThumbprints` holds it (lower-case hex). */
  thumbprint?: string;
  certificatePath: string;
  fullChainPath: string;
  keyPath: string;
}

export interface EventGridResult extends Product {
  clients: EventGridClient[];
}

export interface EdgeSpec extends DeviceFileSettings {
  caKeyAlgorithm?: KeyAlgorithm;
  leafKeyAlgorithm?: KeyAlgorithm;
  rootCn?: string;
  intermediateCn?: string;
  deviceName?: string;
  dnsNames?: string[];
  validityDays?: number;
  /** Refuse anything expiring from 2038 on (IoT Edge 1.1). */
  iotEdge11?: boolean;
  caKeyPassword?: string;
}

/** An individual enrollment: self-signed device certificate(s). */
export interface EnrollmentSpec extends DeviceFileSettings {
  keyAlgorithm?: KeyAlgorithm;
  registrationId?: string;
  validityDays?: number;
  withSecondary?: boolean;
}

/** The CA key password stretched elsewhere (PBKDF2-SHA256, `caKeyPasswordRounds()` rounds). */
export interface StretchedPassword {
  salt: Uint8Array;
  iterations: number;
  key: Uint8Array;
}

/** The RSA signatures buildChain would make: sign `message` with `keys[keyIndex]` (RSASSA-PKCS1-v1_5, SHA-256). */
export interface SignaturePlan {
  requests: { keyIndex: number; message: Uint8Array }[];
  serials: Uint8Array[];
}

/** What planChainSignatures returned, with the signatures made. */
export interface Presigned {
  serials: Uint8Array[];
  messages: Uint8Array[];
  signatures: Uint8Array[];
}

/** A batch's CA, made once: what every chunk needs to sign. */
export interface BatchCa extends Product {
  signerCommonName: string;
  /** PKCS#8 DER of the CA that signs the devices. */
  signerKey: Uint8Array;
  /** DER, from the root down. */
  caCertificates: Uint8Array[];
}

/** Some devices of a batch. */
/** The batch's CA as makeBatchCa returned it, which every chunk request carries. */
export interface BatchSignerFields {
  spec?: ChainSpec;
  signerCommonName: string;
  signerKey: Uint8Array;
  caCertificates: Uint8Array[];
}

export interface IssueDeviceChunkRequest extends BatchSignerFields {
  ids: string[];
  firstIndex: number;
  keys?: KeysInput;
  nowMs: number;
}

export interface DeviceBatchSignedOutsideRequest extends BatchSignerFields {
  /** AES-256-CBC with PKCS#7 padding, for the PFX files' contents. */
  aes256CbcEncrypt?: (key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array) => Uint8Array;
}

export interface OutsideChunkRequest {
  ids: string[];
  firstIndex: number;
  /** PKCS#8 DER, or SEC1 DER for an EC key, one per ID: keys 1…n. */
  keys: Uint8Array[];
  nowMs: number;
  /** The signature of `message` by key `handle` (0: the CA's). */
  sign: (handle: number, message: Uint8Array) => Uint8Array;
}

export interface DeviceChunk {
  firstIndex: number;
  files: StudioFile[];
  /** `registrationId,thumbprintSha1,thumbprintSha256,notAfter` rows, CRLF-ended. */
  csvRows: string;
  /** The README lines of the batch's first device, in the chunk that holds it. */
  readmeExample?: string | null;
}

/** An imported CA, as a CaSession's importCa, renewCa and makeRollover describe it (never its key). */
export interface ImportedCa {
  /** Its id in the CaSession that holds it: pass it as `caId` to that session's methods. */
  id: number;
  commonName: string;
  subject: string;
  issuer: string;
  role: 'root' | 'intermediate';
  keyAlgorithm: KeyAlgorithm;
  keyLabel: string;
  notAfter: string;
  thumbprintSha1: string;
  certificatePem: string;
  certificateFile: string;
  keyFile: string;
  /** The certificates above it found in the files, its issuer first. */
  chainPems: string[];
  reachesRoot: boolean;
}

export interface ImportRequest {
  files: NamedFile[];
  password?: string;
  nowMs: number;
}

export interface ImportResult {
  cas: ImportedCa[];
}

export interface VerificationRequest {
  caId: number;
  /** The code the Azure portal shows (48 hexadecimal digits). */
  verificationCode: string;
  nowMs: number;
}

export interface VerificationResult {
  commonName: string;
  thumbprintSha1: string;
  certificatePem: string;
  files: StudioFile[];
  /** Set when the code is not the portal's 48 hexadecimal digits. */
  warning?: string | null;
}

export interface SignDevicesRequest extends DeviceFileSettings {
  caId: number;
  devices: string[];
  keyAlgorithm?: KeyAlgorithm;
  validityDays?: number;
  /** The rest of the chain up to the root, when the import did not reach it. */
  chain?: NamedFile[];
  nowMs: number;
}

export interface SignCsrRequest extends ValidityBounds {
  caId: number;
  csr: NamedFile;
  profile?: 'device' | 'server' | 'intermediate';
  /** Only with `profile: 'intermediate'`. */
  pathLen?: number;
  validityDays?: number;
  nowMs: number;
}

export interface SignCsrResult {
  commonName: string;
  thumbprintSha1: string;
  files: StudioFile[];
}

export interface RenewDevicesRequest extends DeviceFileSettings {
  caId: number;
  certificates: NamedFile[];
  keys?: NamedFile[];
  password?: string;
  /** SHA-1 thumbprints of the device certificates to renew; none: every device among `certificates`. */
  thumbprints?: string[];
  /** Certify the old public key again (no new key is written). */
  keepKeys?: boolean;
  validityDays?: number;
  nowMs: number;
}

export interface RenewedDevice {
  registrationId: string;
  oldThumbprintSha1: string;
  newThumbprintSha1: string;
  oldNotAfter: string;
  newNotAfter: string;
  sameKey: boolean;
}

export interface RenewDevicesResult extends Product {
  renewed: RenewedDevice[];
}

/** The tutorial's settings, every form's and command's defaults. */
export interface TutorialDefaults {
  keyAlgorithm: KeyAlgorithm;
  rootCn: string;
  intermediateCns: string[];
  devices: string[];
  validityDays: number;
  /** Of the CA keys. */
  caKeyPassword: string;
  /** Of the PFX files. */
  pfxPassword: string;
}

/** The renewal's settings come too: they are checked before any chunk is made. */
export interface PlanRenewalRequest extends DeviceFileSettings {
  certificates: NamedFile[];
  keys?: NamedFile[];
  password?: string;
  /** SHA-1 thumbprints of the device certificates to renew; none: every device among `certificates`. */
  thumbprints?: string[];
  keepKeys?: boolean;
  validityDays?: number;
  nowMs: number;
}

/** A device of a renewal plan: pass it to renewDeviceChunk as it is. */
export interface PlannedRenewal {
  registrationId: string;
  /** Of its certificate's key. */
  keyAlgorithm: KeyAlgorithm;
  /** Its certificate's DER, as read. */
  certificate: Uint8Array;
  /** Where the certificate was found. */
  file: string;
  /** Its private key's file, when the files hold it. */
  key?: NamedFile;
}

export interface RenewalPlan {
  devices: PlannedRenewal[];
  /** The folders the devices' files go to. */
  folders: string[];
}

export interface RenewDeviceChunkRequest extends DeviceFileSettings {
  caId: number;
  devices: PlannedRenewal[];
  /** Of encrypted device keys. */
  password?: string;
  keepKeys?: boolean;
  validityDays?: number;
  nowMs: number;
}

export interface RenewalChunk extends Product {
  renewed: RenewedDevice[];
  /** renewed.csv's rows for this chunk. */
  csvRows: string;
  /** README.txt's entries for this chunk's files. */
  readmeEntries: string;
}

export interface RenewalSummaryRequest {
  caId: number;
  /** How many devices were renewed. */
  renewed: number;
}

export interface RenewalSummary {
  csvHeader: string;
  readmeHeader: string;
  readmeTail: string;
}

export interface RenewCaRequest extends ValidityBounds {
  caId: number;
  /** The CA that signs the renewed one; none: it signs itself (a root). */
  parentCaId?: number;
  validityDays?: number;
  nowMs: number;
}

export interface RenewCaResult {
  files: StudioFile[];
  /** The renewed CA, imported again. */
  ca: ImportedCa;
}

/** The spec of makeDeviceRegistryRoot's request (`{ spec, keys?, nowMs }`). */
export interface DeviceRegistryRootSpec extends ValidityBounds {
  keyAlgorithm?: 'ec-p256' | 'ec-p384';
  rootCn?: string;
  /** At least 366 (365 must be left when it is uploaded); default 730. */
  validityDays?: number;
  caKeyPassword?: string;
  /** The policy its script creates (letters, digits, -). */
  policyName?: string;
}

export interface SignDeviceRegistryIntermediateRequest extends ValidityBounds {
  /** The imported root (importCa). */
  caId: number;
  /** The service's CSR for the policy's issuing CA. */
  csr: NamedFile;
  /** Default 365; not past the root's end. */
  validityDays?: number;
  policyName?: string;
  nowMs: number;
}

export interface DeviceRegistryCsrRequest {
  /** Registration IDs: each device's CN. */
  devices?: string[];
  policyName?: string;
  /** The DPS enrollment group's ID. */
  enrollmentId?: string;
}

export interface DeviceRegistryCsrResult {
  files: StudioFile[];
  /** Each device's CSR as it sends it: base64 DER, no PEM armour. */
  requests: { registrationId: string; csrBase64: string }[];
}

export interface IotOperationsRequest extends ValidityBounds {
  keyAlgorithm?: KeyAlgorithm;
  rootCn?: string;
  intermediateCn?: string;
  /** `name` or `name=group`: each client's CN and client ID, and its group attribute. */
  clients?: string[];
  /** The attribute every client under the intermediate gets. */
  manufacturer?: string;
  /** The ConfigMap of the client root (a Kubernetes name). */
  configMap?: string;
  /** The BrokerAuthentication resource's name. */
  authenticationName?: string;
  validityDays?: number;
  /** '' writes the CA keys unencrypted. */
  caKeyPassword?: string;
  nowMs: number;
}

export interface InspectRequest {
  files: NamedFile[];
  /** The CA certificate uploaded to Azure (one certificate): the preflight's trust anchor. */
  uploadedCa?: NamedFile[];
  password?: string;
  nowMs: number;
  /** An Event Grid MQTT client: its scheme and registered authentication name (thumbprint: its SHA-256); the preflight adds Event Grid's rules. */
  eventGrid?: { validation: ValidationScheme; authenticationName: string };
}

export interface PublicKeyDescription {
  algorithm: string;
  bits?: number | null;
  curve?: string | null;
  nistCurve?: string | null;
  exponent?: number | null;
  summary: string;
}

export interface ExtensionDescription {
  oid: string;
  name: string;
  critical: boolean;
  /** As OpenSSL prints the value, one entry per line. */
  lines: string[];
  derHex: string;
}

export interface TimeDescription {
  unix: number;
  /** `Nov 25 06:33:40 2026 GMT`, as OpenSSL prints it. */
  text: string;
}

export interface CertificateDescription {
  file: string;
  version: number;
  serial: string;
  serialDecimal?: string | null;
  serialHex: string;
  signatureAlgorithm: string;
  issuer: string;
  subject: string;
  notBefore: TimeDescription;
  notAfter: TimeDescription;
  publicKey: PublicKeyDescription;
  extensions: ExtensionDescription[];
  thumbprintSha1: string;
  thumbprintSha256: string;
  selfSigned: boolean;
  isCa: boolean;
  validNow: boolean;
}

export interface RequestDescription {
  file: string;
  subject: string;
  publicKey: PublicKeyDescription;
  signatureAlgorithm: string;
  signatureValid: boolean;
  signatureProblem?: string | null;
  requestedExtensions: ExtensionDescription[];
}

export interface KeyDescription {
  file: string;
  publicKey: PublicKeyDescription;
  /** 1-based numbers of the certificates this key belongs to. */
  matchingCertificates: number[];
  matchSummary: string;
}

export interface ChainProblem {
  rule: ChainRule;
  certificates: number[];
  message: string;
}

export interface ChainReport {
  ok: boolean;
  summary: string;
  problems: ChainProblem[];
  /** 1-based numbers of the certificates on the path judged, leaf first. */
  path: number[];
}

export interface PreflightRequest {
  /** The device's certificate or full chain (PEM, DER or PFX). */
  files: NamedFile[];
  /** The CA certificate uploaded to Azure (one certificate). */
  uploadedCa?: NamedFile[];
  password?: string;
  nowMs: number;
  /** Azure Device Registry's rules too; `files` may then be the device's CSR. */
  deviceRegistry?: { registrationId?: string };
  /** An Event Grid MQTT client: its scheme and registered authentication name (thumbprint: its SHA-256); adds Event Grid's rules. */
  eventGrid?: { validation: ValidationScheme; authenticationName: string };
}

export interface PreflightRuleResult {
  id: PreflightRuleId;
  title: string;
  appliesTo: string;
  /** The code a person sees (`401002`), when there is one. */
  azureCode: string | null;
  azureError: string;
  status: RuleStatus;
  detail: string;
}

export interface PreflightResult {
  device: string;
  uploadedCa: string | null;
  ok: boolean;
  rules: PreflightRuleResult[];
}

export interface ExpiryRequest {
  /** Certificates, a studio ZIP, `devices.csv`, PFX files. */
  files: NamedFile[];
  password?: string;
  /** Flag what ends within this many days (default 30). */
  withinDays?: number;
  nowMs: number;
}

export interface ExpiryRow {
  role: CertificateRole;
  commonName: string;
  issuerCommonName: string;
  /** ISO 8601, UTC. */
  notAfter: string;
  /** Whole days left; negative once ended. */
  daysLeft: number;
  expired: boolean;
  flagged: boolean;
  thumbprintSha1: string;
  file: string;
  keyFile?: string | null;
  certificatePem?: string | null;
  renewable: boolean;
}

export interface ExpiryReport {
  withinDays: number;
  now: string;
  certificates: ExpiryRow[];
  flagged: number;
  expired: number;
}

export interface RolloverRequest extends ChainSpec {
  /** The CA being replaced (its README and plan name it). */
  oldCaId?: number;
  nowMs: number;
}

export interface RolloverStep {
  number: number;
  id: 'upload' | 'verify' | 'secondary' | 'reissue' | 'swap' | 'retire';
  title: string;
  detail: string;
}

export interface RolloverResult extends Product {
  steps: RolloverStep[];
  /** The new CAs, imported, root first (the last signs devices). */
  cas: ImportedCa[];
}

export interface Inspection {
  certificates: CertificateDescription[];
  requests: RequestDescription[];
  keys: KeyDescription[];
  /** The chain verdict (a lone leaf too); null without certificates. */
  chain: ChainReport | null;
  /** The Azure preflight on the same path; null without a device certificate. */
  preflight: PreflightResult | null;
  unreadable: string[];
}

/** The sample settings rewriteSnippets takes (as the chain form sends them). */
export type SnippetSettings = Pick<ChainSpec, 'idScope' | 'hubName' | 'folder' | 'dpsName' | 'resourceGroup' | 'pfxPassword'>;

export interface RewriteSnippetsRequest {
  /** A result's files, as a product returned them. */
  files: FileInput[];
  /** Its certificates, as the product returned them. */
  chain: ChainEntry[];
  settings?: SnippetSettings;
}

export interface EncodeKeyRequest {
  /** PKCS#8 DER. */
  key: Uint8Array;
  keyFormat: KeyFormat;
  /** With `pkcs8`: encrypt under this password (PBES2); `traditional` refuses one. */
  password?: string;
}
"#;
