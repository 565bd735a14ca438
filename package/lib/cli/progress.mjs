// Progress lines on stderr, only when stderr is a terminal (a pipe or a CI
// log gets nothing but errors); at most ten updates a second, each
// overwriting the last.

export class Progress {
  constructor(stream = process.stderr) {
    this.stream = stream;
    this.enabled = Boolean(stream.isTTY);
    this.last = 0;
    this.shown = false;
  }

  update(text, { force = false } = {}) {
    if (!this.enabled) return;
    const now = Date.now();
    if (!force && now - this.last < 100) return;
    this.last = now;
    this.stream.write(`\r\x1b[K${text}`);
    this.shown = true;
  }

  done(text) {
    if (!this.enabled) return;
    this.stream.write(`\r\x1b[K${text ? `${text}\n` : ''}`);
    this.shown = false;
  }
}
