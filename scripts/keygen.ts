// `npm run keygen -- <file>`: writes a new Ed25519 signing key for JWT_PRIVATE_KEY_FILE
// (mode 600). With no file, prints it. Leaves an existing file alone, so the key survives restarts.
import { existsSync, writeFileSync } from 'node:fs';
import { generateSigningKeyPem } from '../platform/auth/signing-key.js';

const path = process.argv[2];
if (!path) process.stdout.write(generateSigningKeyPem());
else if (existsSync(path)) console.log(`keygen: ${path} exists, kept`);
else {
  writeFileSync(path, generateSigningKeyPem(), { mode: 0o600 });
  console.log(`keygen: wrote ${path}`);
}
