'use strict';
// Every file of tests/ in one process, in order, sharing one Chromium (t/browser/run runs this;
// `node --test tests/X.test.js` runs one file on its own).
const fs = require('node:fs');
const path = require('node:path');

const dir = path.join(__dirname, 'tests');
for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.test.js')).sort()) require(path.join(dir, f));
