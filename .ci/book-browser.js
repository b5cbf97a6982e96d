// Checks the built book in headless Chromium, as a reader's browser shows it.
//
//   node .ci/book-browser.js --playwright DIR --chromium PATH [--self-test] [BOOK_DIR]
//
// Run it through .ci/book-browser.sh, which installs Chromium and playwright-core first.
// BOOK_DIR defaults to book/book (build it first: mdbook build book). It is served on
// 127.0.0.1 by `python3 -m http.server` on a free port, and every page of it is opened:
// every .html file mdBook wrote, and any page a link leads to. On each page:
//   - no console error, no uncaught exception, no request that fails or answers 4xx/5xx;
//   - no raw `{{#` directive in the rendered text (an include mdBook did not expand);
//   - every <img> loaded, with a non-zero natural size;
//   - every link to the book resolves to a page that loads, and its `#id` to an element there.
// Once: the search box, typed "gather" into as a reader would, lists a chapter whose title
// has "gather" in it.
//
// --self-test copies the book, breaks it on purpose (an image reference, a raw
// `{{#include nothing.rs}}`, an anchor on the same page and one on another, the search index),
// checks the copy and requires every breakage to be reported.
//
// Exit status: 0 all good, 1 failures (one line each: page, then the problem), 2 the check
// could not run (no book, no Chromium, the server did not start): it never passes unseen.

"use strict";

const fs = require("fs");
const os = require("os");
const path = require("path");
const { spawn } = require("child_process");

const PAGE_TIMEOUT_MS = 30000;
const PARALLEL = 3; // pages open at once
const SEARCH_WORD = "gather";

function log(message) {
  console.log(`book-browser: ${message}`);
}

class CannotRun extends Error {}

function parseArgs(argv) {
  const args = { selfTest: false, book: null, playwright: null, chromium: null };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--self-test") args.selfTest = true;
    else if (arg === "--playwright") args.playwright = argv[++i];
    else if (arg === "--chromium") args.chromium = argv[++i];
    else if (arg.startsWith("--")) throw new CannotRun(`unknown option ${arg}`);
    else args.book = arg;
  }
  if (!args.playwright || !args.chromium) {
    throw new CannotRun("--playwright DIR and --chromium PATH are needed (run .ci/book-browser.sh)");
  }
  args.book = path.resolve(args.book || path.join(__dirname, "..", "book", "book"));
  return args;
}

// Serves `dir` with Python's http.server on a port the system picks, and resolves to
// { base, stop } once it has said which port.
function serve(dir) {
  return new Promise((resolve, reject) => {
    const server = spawn(
      "python3",
      ["-u", "-m", "http.server", "--bind", "127.0.0.1", "--directory", dir, "0"],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let said = "";
    const timer = setTimeout(() => {
      server.kill();
      reject(new CannotRun(`python3 -m http.server did not start within 10 s: ${said}`));
    }, 10000);
    const stop = () => server.kill();
    server.on("error", (e) => {
      clearTimeout(timer);
      reject(new CannotRun(`cannot start python3 -m http.server: ${e.message}`));
    });
    server.on("exit", (code) => {
      clearTimeout(timer);
      reject(new CannotRun(`python3 -m http.server exited (${code}): ${said}`));
    });
    server.stderr.on("data", () => {}); // one line per request: not needed
    server.stdout.on("data", (chunk) => {
      said += chunk;
      const port = /port (\d+)/.exec(said);
      if (port) {
        clearTimeout(timer);
        resolve({ base: `http://127.0.0.1:${port[1]}/`, stop });
      }
    });
  });
}

async function launch(playwrightDir, chromiumPath) {
  let chromium;
  try {
    ({ chromium } = require(playwrightDir));
  } catch (e) {
    throw new CannotRun(`cannot load playwright-core from ${playwrightDir}: ${e.message}`);
  }
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "book-browser-profile-"));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath,
      headless: true,
      viewport: { width: 1280, height: 900 },
      timeout: 60000,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    const close = async () => {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    };
    return { context, close, version: context.browser()?.version() ?? "?" };
  } catch (e) {
    fs.rmSync(profile, { recursive: true, force: true });
    // Playwright's message: a first line, then Chromium's own output, then its command
    // line and call log, which say nothing more.
    const lines = String(e.message).split("\n");
    const end = lines.findIndex((l) => l.startsWith("Call log:"));
    const said = lines
      .slice(1, end < 0 ? 20 : end)
      .filter((l) => l.trim() && !l.startsWith("<launching>") && !l.startsWith("Browser logs:"));
    throw new CannotRun(
      `Chromium (${chromiumPath}) did not start: ${lines[0]}` + said.map((l) => `\n  ${l}`).join(""),
    );
  }
}

// Every .html file of the built book, as paths relative to it.
function htmlFiles(book) {
  const found = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(".html")) found.push(path.relative(book, full).split(path.sep).join("/"));
    }
  };
  walk(book);
  return found.sort();
}

// What one page shows, measured inside it once it has loaded.
async function inspect(page) {
  return page.evaluate(async () => {
    // Lazy images load only when scrolled to: ask for every one now.
    const images = Array.from(document.images);
    await Promise.all(
      images.map((img) => {
        if (img.complete) return null;
        img.loading = "eager";
        return new Promise((done) => {
          img.addEventListener("load", done, { once: true });
          img.addEventListener("error", done, { once: true });
          setTimeout(done, 10000);
        });
      }),
    );
    const main = document.querySelector("main") || document.body;
    const text = main.innerText;
    const raw = [];
    for (const line of text.split("\n")) {
      if (line.includes("{{#")) raw.push(line.trim().slice(0, 100));
    }
    const ids = new Set();
    for (const el of document.querySelectorAll("[id]")) ids.add(el.id);
    for (const el of document.querySelectorAll("a[name]")) ids.add(el.getAttribute("name"));
    return {
      title: document.title,
      raw,
      images: images.map((img) => ({
        src: img.getAttribute("src"),
        url: img.currentSrc || img.src,
        width: img.naturalWidth,
        height: img.naturalHeight,
        complete: img.complete,
      })),
      ids: Array.from(ids),
      links: Array.from(document.querySelectorAll("a[href]"), (a) => ({
        href: a.getAttribute("href"),
        url: a.href,
      })),
    };
  });
}

// Opens `url` and returns what went wrong on the way (console, requests) and what it shows.
async function visit(context, url) {
  const page = await context.newPage();
  const problems = [];
  page.on("console", (msg) => {
    if (msg.type() === "error") {
      const where = msg.location()?.url ? ` (${msg.location().url})` : "";
      problems.push(`console error: ${msg.text()}${where}`);
    }
  });
  page.on("pageerror", (e) => problems.push(`uncaught exception: ${e.message}`));
  page.on("requestfailed", (req) =>
    problems.push(`request failed: ${req.url()}: ${req.failure()?.errorText ?? "?"}`),
  );
  page.on("response", (res) => {
    if (res.status() >= 400) problems.push(`request answered ${res.status()}: ${res.url()}`);
  });
  let status = null;
  let shown = null;
  try {
    const response = await page.goto(url, { waitUntil: "load", timeout: PAGE_TIMEOUT_MS });
    status = response ? response.status() : null;
    await page.evaluate(() => document.fonts.ready.then(() => null));
    shown = await inspect(page);
  } catch (e) {
    problems.push(`did not load: ${String(e.message).split("\n")[0]}`);
  }
  return { page, problems, status, shown };
}

// Types SEARCH_WORD into mdBook's search box and returns the result links (absolute URLs).
async function search(context, url) {
  const { page, problems } = await visit(context, url);
  let results = [];
  try {
    await page.click("#mdbook-search-toggle");
    await page.locator("#mdbook-searchbar").pressSequentially(SEARCH_WORD, { delay: 20 });
    await page.waitForSelector("#mdbook-searchresults li a", { timeout: 10000 });
    results = await page.$$eval("#mdbook-searchresults li a", (as) => as.map((a) => a.href));
  } catch (e) {
    problems.push(`search: ${String(e.message).split("\n")[0]}`);
  }
  await page.close();
  return { results, problems };
}

// The check itself. Returns the failures, each { page, problem }, and some counts.
async function check(context, base, book) {
  const failures = [];
  const fail = (page, problem) => failures.push({ page, problem });
  const origin = new URL(base).origin;
  const rel = (url) => {
    const u = new URL(url);
    return decodeURI(u.pathname).replace(/^\//, "") || "index.html";
  };

  const files = htmlFiles(book);
  if (!files.includes("index.html")) throw new CannotRun(`no built book in ${book} (run \`mdbook build book\`)`);
  // The chapters SUMMARY.md lists, as the generated table of contents links them.
  const toc = fs.existsSync(path.join(book, "toc.html"))
    ? Array.from(fs.readFileSync(path.join(book, "toc.html"), "utf8").matchAll(/href="([^"#]+\.html)"/g), (m) => m[1])
    : [];
  for (const chapter of new Set(toc)) {
    if (!files.includes(chapter)) fail("toc.html", `lists ${chapter}, which the book does not have`);
  }

  // toc.html is the sidebar for readers without JavaScript, shown inside every page's
  // <noscript>, not a page of its own; its links are checked above.
  let round = files.filter((p) => p !== "toc.html");
  const seen = new Map(); // page -> { ids: Set, loaded }
  const linksFrom = []; // { page, href, target, fragment }
  let images = 0;
  const look = async (name) => {
    const { page, problems, status, shown } = await visit(context, base + name);
    await page.close();
    seen.set(name, { ids: new Set(shown ? shown.ids : []), loaded: status === 200 && shown !== null });
    if (status !== null && status !== 200) fail(name, `answered ${status}`);
    for (const problem of new Set(problems)) fail(name, problem);
    if (!shown) return;
    for (const line of shown.raw) fail(name, `raw directive shown as text: ${line}`);
    for (const img of shown.images) {
      images++;
      if (!img.complete || img.width === 0 || img.height === 0) {
        fail(name, `image ${img.src} not shown (loaded: ${img.complete}, natural size ${img.width}x${img.height})`);
      }
    }
    for (const link of shown.links) {
      const url = new URL(link.url);
      if (url.origin !== origin) continue; // outside the book: not followed here
      const fragment = url.hash ? decodeURIComponent(url.hash.slice(1)) : "";
      linksFrom.push({ page: name, href: link.href, target: rel(url.href), fragment });
    }
  };
  // Every page, a few at a time; then the pages links lead to that were not among them.
  while (round.length) {
    const todo = round.slice();
    await Promise.all(
      Array.from({ length: PARALLEL }, async () => {
        while (todo.length) await look(todo.shift());
      }),
    );
    round = [...new Set(linksFrom.map((l) => l.target))].filter(
      (t) => t.endsWith(".html") && t !== "toc.html" && !seen.has(t),
    );
  }

  // Links: every target page loaded, every fragment names an element on it.
  const reported = new Set();
  let anchors = 0;
  for (const { page, href, target, fragment } of linksFrom) {
    let problem = null;
    const known = seen.get(target);
    if (known) {
      if (!known.loaded) problem = `link ${href}: ${target} does not load`;
      else if (fragment) {
        anchors++;
        if (!known.ids.has(fragment)) problem = `link ${href}: no element with id "${fragment}" on ${target}`;
      }
    } else if (!fs.existsSync(path.join(book, target))) {
      problem = `link ${href}: no file ${target} in the book`;
    }
    if (problem && !reported.has(page + problem)) {
      reported.add(page + problem);
      fail(page, problem);
    }
  }

  // Search, as a reader: the chapters whose title has the word must be among the results.
  const expected = new Set();
  const tocText = fs.existsSync(path.join(book, "toc.html")) ? fs.readFileSync(path.join(book, "toc.html"), "utf8") : "";
  for (const m of tocText.matchAll(/href="([^"#]+\.html)"[^>]*>(.*?)<\/a>/g)) {
    if (m[2].replace(/<[^>]*>/g, "").toLowerCase().includes(SEARCH_WORD)) expected.add(m[1]);
  }
  const found = await search(context, base + "index.html");
  for (const problem of new Set(found.problems)) fail("index.html", problem);
  const resultPages = new Set(found.results.map(rel));
  if (expected.size === 0) {
    fail("toc.html", `no chapter title has "${SEARCH_WORD}" in it: the search check has nothing to look for`);
  } else if (![...expected].some((p) => resultPages.has(p))) {
    fail(
      "index.html",
      `search for "${SEARCH_WORD}" lists ${found.results.length} results, none of them ${[...expected].join(" or ")}`,
    );
  }

  return {
    failures,
    counts: {
      pages: seen.size,
      links: linksFrom.length,
      anchors,
      images,
      searchResults: found.results.length,
      searchExpected: [...expected],
    },
  };
}

function report({ failures, counts }) {
  for (const { page, problem } of failures) log(`FAIL ${page}: ${problem}`);
  const pagesFailing = new Set(failures.map((f) => f.page)).size;
  const summary =
    `${counts.pages} pages, ${counts.links} internal links (${counts.anchors} with an #anchor), ` +
    `${counts.images} img elements, search "${SEARCH_WORD}": ${counts.searchResults} results`;
  if (failures.length) log(`FAILED: ${failures.length} failures on ${pagesFailing} pages; checked ${summary}`);
  else log(`ok: ${summary}; no failure`);
}

// --self-test: breaks a copy of the book in known ways; each must be reported.
function breakCopy(book, copy) {
  fs.cpSync(book, copy, { recursive: true });
  const chapters = htmlFiles(copy).filter(
    (p) => !["index.html", "print.html", "toc.html", "404.html"].includes(p),
  );
  const read = (p) => fs.readFileSync(path.join(copy, p), "utf8");
  const write = (p, text) => fs.writeFileSync(path.join(copy, p), text);
  const withMain = chapters.filter((p) => /<main>/.test(read(p)));
  if (withMain.length < 4) throw new CannotRun(`self-test: the book has fewer than 4 chapters with <main>`);
  const expect = [];

  // An image whose file is gone: an existing one if the book has any, else a new one.
  const imagePage = withMain.find((p) => /<img [^>]*src="/.test(read(p))) || withMain[0];
  let text = read(imagePage);
  if (/<img [^>]*src="/.test(text)) {
    text = text.replace(/(<img [^>]*src=")([^"]*)"/, '$1$2-missing.svg"');
  } else {
    text = text.replace("<main>", '<main><p><img src="timeline-missing.svg" alt="a timeline"></p>');
  }
  write(imagePage, text);
  expect.push({ what: "a broken image reference", page: imagePage, pattern: /^image .* not shown/ });

  // A directive mdBook did not expand, as it would show if the include were not processed.
  const rawPage = withMain.find((p) => p !== imagePage);
  write(rawPage, read(rawPage).replace("<main>", "<main><p>{{#include nothing.rs}}</p>"));
  expect.push({ what: "a raw {{#include}}", page: rawPage, pattern: /^raw directive shown as text: \{\{#include nothing\.rs\}\}/ });

  // An anchor on the same page: the first heading loses the id its own link points to.
  const anchorPage = withMain.find((p) => p !== imagePage && p !== rawPage && /<h[1-6] id="/.test(read(p)));
  text = read(anchorPage);
  const id = /<h[1-6] id="([^"]+)"/.exec(text)[1];
  write(anchorPage, text.replace(`id="${id}"`, `id="${id}-renamed"`));
  expect.push({ what: `a broken #${id} on the same page`, page: anchorPage, pattern: new RegExp(`^link #${id}: no element with id`) });

  // An anchor on another page: a link to a chapter gets a fragment nothing has.
  const linkPage = withMain.find((p) => ![imagePage, rawPage, anchorPage].includes(p) && /<main>[\s\S]*?<a href="[^"#:]+\.html"/.test(read(p)));
  text = read(linkPage);
  const mainAt = text.indexOf("<main>");
  const rest = text.slice(mainAt).replace(/<a href="([^"#:]+\.html)"/, '<a href="$1#no-such-section"');
  write(linkPage, text.slice(0, mainAt) + rest);
  expect.push({ what: "a link to #no-such-section of another page", page: linkPage, pattern: /^link [^ ]+#no-such-section: no element with id "no-such-section"/ });

  // The search index is gone: searching must find nothing, and say so.
  const index = fs.readdirSync(copy).find((f) => /^searchindex.*\.js$/.test(f));
  if (index) fs.rmSync(path.join(copy, index));
  expect.push({ what: "the search index removed", page: "index.html", pattern: new RegExp(`^search`) });
  return expect;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (!fs.existsSync(path.join(args.book, "index.html"))) {
    throw new CannotRun(`no built book in ${args.book} (run \`mdbook build book\` first)`);
  }
  const cleanups = [];
  try {
    let dir = args.book;
    let expect = [];
    if (args.selfTest) {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "book-browser-self-test-"));
      cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
      expect = breakCopy(args.book, dir);
      log(`self-test: a copy of ${args.book} with ${expect.length} breakages, in ${dir}`);
    }
    const browser = await launch(args.playwright, args.chromium);
    cleanups.push(browser.close);
    const server = await serve(dir);
    cleanups.push(server.stop);
    log(`Chromium ${browser.version} (${args.chromium}), the book at ${server.base} (${dir})`);
    const started = Date.now();
    const result = await check(browser.context, server.base, dir);
    report(result);
    log(`took ${((Date.now() - started) / 1000).toFixed(1)} s`);
    if (!args.selfTest) return result.failures.length ? 1 : 0;

    let missed = 0;
    for (const e of expect) {
      const hit = result.failures.find((f) => f.page === e.page && e.pattern.test(f.problem));
      if (hit) log(`self-test: reported, as it must be: ${e.what} (${e.page})`);
      else {
        missed++;
        log(`self-test: NOT REPORTED: ${e.what} (${e.page})`);
      }
    }
    if (missed) {
      log(`self-test FAILED: ${missed} of ${expect.length} breakages went unreported`);
      return 1;
    }
    log(`self-test ok: all ${expect.length} breakages reported`);
    return 0;
  } finally {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch {
        // Closing what is already gone.
      }
    }
  }
}

main().then(
  (code) => process.exit(code),
  (e) => {
    if (e instanceof CannotRun) log(`cannot check: ${e.message}`);
    else log(`cannot check: ${e.stack || e}`);
    process.exit(2);
  },
);
