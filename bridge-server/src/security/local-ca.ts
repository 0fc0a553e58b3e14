import crypto from 'node:crypto';
import forge from 'node-forge';

/**
 * A local certificate authority and a loopback server certificate, so the bridge can serve
 * https/wss that Premiere's UXP accepts on macOS (it refuses self-signed certificates there, and
 * may refuse plain ws/http; hosts.md §1.7). Everything is generated offline: keys with node's
 * crypto (native, fast), certificates with node-forge (node has no X.509 writer).
 *
 * The CA's private key is never written anywhere: it signs the server certificate and is then
 * dropped, so a trusted CA on the user's machine cannot be used to mint certificates for other
 * sites even if the config folder leaks. Renewing means a new CA (and trusting it again).
 */

export interface PemPair {
  certPem: string;
  keyPem: string;
}

export interface LocalTls {
  /** The CA certificate the user trusts (PEM). */
  caCertPem: string;
  /** Server certificate (leaf, then CA) and its private key (PEM, PKCS#8). */
  server: PemPair;
}

export interface LocalTlsOptions {
  /** Names the server certificate covers (default 127.0.0.1, ::1 and localhost). */
  hosts?: string[];
  /** Server certificate lifetime; macOS rejects TLS server certificates valid for more than 825 days. */
  serverDays?: number;
  caDays?: number;
  now?: Date;
}

export const DEFAULT_TLS_HOSTS = ['127.0.0.1', '::1', 'localhost'];
const MAX_SERVER_DAYS = 825;
export const CA_COMMON_NAME = 'Synthetic Studio Local CA';

/** Create a CA, issue a server certificate for the loopback names, and forget the CA key. */
export function createLocalTls(options: LocalTlsOptions = {}): LocalTls {
  const now = options.now ?? new Date();
  const hosts = options.hosts ?? DEFAULT_TLS_HOSTS;
  const serverDays = Math.min(options.serverDays ?? MAX_SERVER_DAYS, MAX_SERVER_DAYS);
  const caDays = options.caDays ?? 3650;

  const caKeys = rsaKeyPair();
  const ca = forge.pki.createCertificate();
  ca.publicKey = caKeys.publicKey;
  ca.serialNumber = serial();
  setValidity(ca, now, caDays);
  // A per-install suffix keeps two installs' CAs distinguishable in Keychain Access / certmgr.
  const caSubject = [
    { name: 'commonName', value: `${CA_COMMON_NAME} ${crypto.randomBytes(3).toString('hex')}` },
    { name: 'organizationName', value: 'Synthetic Studio' },
  ];
  ca.setSubject(caSubject);
  ca.setIssuer(caSubject);
  ca.setExtensions([
    { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  ca.sign(caKeys.privateKey, forge.md.sha256.create());

  const serverKeys = rsaKeyPair();
  const leaf = forge.pki.createCertificate();
  leaf.publicKey = serverKeys.publicKey;
  leaf.serialNumber = serial();
  setValidity(leaf, now, serverDays);
  leaf.setSubject([{ name: 'commonName', value: hosts[0] ?? '127.0.0.1' }]);
  leaf.setIssuer(caSubject);
  leaf.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: hosts.map(altName) },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: ca.generateSubjectKeyIdentifier().getBytes() },
  ]);
  leaf.sign(caKeys.privateKey, forge.md.sha256.create());

  const caCertPem = forge.pki.certificateToPem(ca);
  return { caCertPem, server: { certPem: forge.pki.certificateToPem(leaf) + caCertPem, keyPem: serverKeys.privatePem } };
}

function rsaKeyPair(): { publicKey: forge.pki.PublicKey; privateKey: forge.pki.rsa.PrivateKey; privatePem: string } {
  const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const rsaPem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  return {
    publicKey: forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString()),
    privateKey: forge.pki.privateKeyFromPem(rsaPem) as forge.pki.rsa.PrivateKey,
    privatePem,
  };
}

/** A positive 128-bit serial (hex; a leading 0 nibble keeps it positive in DER). */
function serial(): string {
  return `0${crypto.randomBytes(16).toString('hex')}`;
}

function setValidity(cert: forge.pki.Certificate, now: Date, days: number): void {
  // Backdate a little so a clock a few minutes behind still accepts a fresh certificate.
  cert.validity.notBefore = new Date(now.getTime() - 60 * 60 * 1000);
  cert.validity.notAfter = new Date(now.getTime() + days * 24 * 60 * 60 * 1000);
}

function altName(host: string): { type: number; value?: string; ip?: string } {
  // GeneralName types: 2 = dNSName, 7 = iPAddress.
  return /^[\d.]+$/.test(host) || host.includes(':') ? { type: 7, ip: host } : { type: 2, value: host };
}
