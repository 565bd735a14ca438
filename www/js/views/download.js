// Hands bytes to the browser as a file download. Nothing is stored: the
// object URL is revoked once the browser has taken the bytes.

const TYPES = [
  [/\.zip$/, 'application/zip'],
  [/\.pem$/, 'application/x-pem-file'],
  [/\.(c|java|txt|sh|cmd|ps1|toml)$/, 'text/plain;charset=utf-8'],
  [/\.cer$/, 'application/pkix-cert'],
  [/\.pfx$/, 'application/x-pkcs12'],
];

export function basename(path) {
  return path.slice(path.lastIndexOf('/') + 1);
}

export function mediaType(name) {
  return TYPES.find(([pattern]) => pattern.test(name))?.[1] ?? 'application/octet-stream';
}

export function saveBytes(name, bytes, type = mediaType(name)) {
  const url = URL.createObjectURL(new Blob([bytes], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
