// Lighthouse (mobile preset: Moto G Power emulation, simulated slow 4G and 4x CPU) over several URLs in one
// Chromium, so the browser starts once. Prints one JSON object: {url: {scores: {category: 0..1},
// failing: [{category, id, title, score}]}} with every audit below 0.9 that counts towards a category.
// usage: CHROME_PATH=/usr/bin/chromium node lighthouse-scores.mjs REPORT_DIR URL...
import fs from 'node:fs';
import path from 'node:path';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';

const [reportDir, ...urls] = process.argv.slice(2);
if (!reportDir || urls.length === 0) {
  console.error('usage: node lighthouse-scores.mjs REPORT_DIR URL...');
  process.exit(2);
}
const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'];
fs.mkdirSync(reportDir, {recursive: true});
const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROME_PATH,
  chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
const out = {};
try {
  for (const [i, url] of urls.entries()) {
    const result = await lighthouse(url, {port: chrome.port, output: 'html', logLevel: 'error',
                                          onlyCategories: CATEGORIES});
    const lhr = result.lhr;
    if (lhr.runtimeError) {
      out[url] = {error: `${lhr.runtimeError.code}: ${lhr.runtimeError.message}`};
      continue;
    }
    const scores = Object.fromEntries(CATEGORIES.map((c) => [c, lhr.categories[c].score]));
    const failing = [];
    for (const c of CATEGORIES) {
      for (const ref of lhr.categories[c].auditRefs) {
        const audit = lhr.audits[ref.id];
        if (ref.weight > 0 && audit.score !== null && audit.score < 0.9) {
          failing.push({category: c, id: ref.id, title: audit.title, score: audit.score,
                        value: audit.displayValue || ''});
        }
      }
    }
    const report = path.join(reportDir, `page${String(i).padStart(2, '0')}.html`);
    fs.writeFileSync(report, result.report);
    out[url] = {scores, failing, report};
  }
} finally {
  await chrome.kill();
}
console.log(JSON.stringify(out));
