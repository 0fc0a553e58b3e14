/** How to make the OS (and so Premiere Pro) trust the local CA, in the user's own words. */
export function trustInstructions(caCertPath: string, platform: NodeJS.Platform = process.platform): string {
  const mac = [
    'macOS — trust the CA in the System keychain (asks for your password):',
    `  sudo security add-trusted-cert -d -r trustRoot -k /Library/Keychains/System.keychain "${caCertPath}"`,
    '  or: double-click the file → Keychain Access adds it → double-click "Synthetic Studio Local CA …"',
    '      → Trust → "When using this certificate: Always Trust".',
  ];
  const win = [
    'Windows — trust the CA for your user (no admin rights needed):',
    `  certutil -user -addstore Root "${caCertPath}"`,
    '  or: double-click the file → Install Certificate → Current User → "Place all certificates in the',
    '      following store" → Trusted Root Certification Authorities → Finish (confirm the warning).',
  ];
  const steps = platform === 'darwin' ? [mac, win] : platform === 'win32' ? [win, mac] : [mac, win];
  return [
    `CA certificate: ${caCertPath}`,
    '',
    ...steps.flatMap((s) => [...s, '']),
    'Then restart the bridge (it now serves https:// and wss://), restart Premiere Pro, and tick',
    '"Secure connection" at the bottom of the Synthetic Studio panel.',
    'Running this command again makes a new CA: trust the new file and remove the old',
    '"Synthetic Studio Local CA" entry. The CA private key is not kept, so it cannot sign anything else.',
  ].join('\n');
}
