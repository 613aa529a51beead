// symdiff's web page: each control sends its JSON to symdiff's own API (/api/...) and shows the reply.
// Math is drawn by KaTeX when the server found it (window.katex), else shown as LaTeX source.
// Text from the user and from the server only ever goes into textContent, never into HTML.
"use strict";

const $ = (id) => document.getElementById(id);

async function api(path, body, binary = false) {
  let response;
  try {
    response = await fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
  } catch (err) {
    return { ok: false, error: { message: "the symdiff server does not answer: is symdiff serve still running?" } };
  }
  const type = response.headers.get("content-type") || "";
  if (response.ok && binary) return { ok: true, blob: await response.blob() };
  if (!type.includes("application/json")) {
    return { ok: false, error: { message: `the server answered ${response.status} ${response.statusText}` } };
  }
  const data = await response.json();
  return response.ok ? { ok: true, data } : { ok: false, status: response.status, error: data.error };
}

function math(element, latex, display = false) {
  element.textContent = "";
  if (window.katex) {
    try {
      window.katex.render(latex, element, { displayMode: display, throwOnError: false, output: "htmlAndMathml" });
      return;
    } catch (err) {
      // fall through to the source
    }
  }
  const source = document.createElement("code");
  source.className = "latex-source";
  source.textContent = latex;
  element.append(source);
}

// Prose with $...$ (or $$...$$) math in it, as worksheets write their questions.
function prose(element, text) {
  element.textContent = "";
  const pattern = /\$\$([\s\S]+?)\$\$|\$([^$]+?)\$/g;
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    element.append(document.createTextNode(text.slice(last, match.index)));
    const span = document.createElement("span");
    math(span, match[1] || match[2], Boolean(match[1]));
    element.append(span);
    last = match.index + match[0].length;
  }
  element.append(document.createTextNode(text.slice(last)));
}

// The error as the command line prints it: message, the input with a caret, the hint.
function showError(pre, error, inputs = []) {
  const lines = [`symdiff: error: ${error.message}`];
  if (error.caret) lines.push(error.caret);
  if (error.hint) lines.push(`  hint: ${error.hint}`);
  pre.textContent = lines.join("\n");
  pre.hidden = false;
  for (const input of inputs) input.setAttribute("aria-invalid", "true");
}

function clearError(pre, inputs = []) {
  pre.hidden = true;
  pre.textContent = "";
  for (const input of inputs) input.removeAttribute("aria-invalid");
}

async function busy(button, work) {
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  try {
    await work();
  } finally {
    button.disabled = false;
    button.removeAttribute("aria-busy");
  }
}

// "A=n,n; x=n" <-> {"A": "n,n", "x": "n"}
function readShapes(text) {
  const shapes = {};
  for (const part of text.split(";")) {
    if (!part.trim()) continue;
    const at = part.indexOf("=");
    const name = at < 0 ? part.trim() : part.slice(0, at).trim();
    shapes[name] = at < 0 ? "" : part.slice(at + 1).trim();
  }
  return shapes;
}

function writeShapes(shapes) {
  return Object.entries(shapes).map(([name, dims]) => `${name}=${dims.replaceAll("×", ",")}`).join("; ");
}

// "x" -> "x"; "x; x" -> ["x", "x"] (differentiate again, as a repeated --wrt)
function readWrt(text) {
  const parts = text.split(";").map((part) => part.trim()).filter(Boolean);
  return parts.length > 1 ? parts : (parts[0] || "");
}

function onCtrlEnter(element, button) {
  element.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      button.click();
    }
  });
}

// ---- Derive ---------------------------------------------------------------
const derived = { text: "", latex: "", numpy: "" };
let shapesEdited = false;
let reading = 0;

function formulaRequest() {
  const request = { formula: $("formula").value, input: $("input").value };
  if (shapesEdited) request.shapes = readShapes($("shapes").value);
  return request;
}

function showInferred(shapes) {
  if (!shapesEdited) $("shapes").value = writeShapes(shapes);
}

async function preview() {
  const mine = ++reading;
  const inputs = [$("formula"), $("shapes")];
  if (!$("formula").value.trim()) {
    $("preview").textContent = "";
    clearError($("derive-error"), inputs);
    return;
  }
  const reply = await api("/api/read", formulaRequest());
  if (mine !== reading) return; // a later keystroke has sent its own
  if (reply.ok) {
    math($("preview"), reply.data.latex, true);
    showInferred(reply.data.shapes);
    clearError($("derive-error"), inputs);
  } else {
    $("preview").textContent = "";
    showError($("derive-error"), reply.error, inputs);
  }
}

let previewTimer = 0;
function previewSoon() {
  clearTimeout(previewTimer);
  previewTimer = setTimeout(preview, 300);
}

async function derive() {
  const request = formulaRequest();
  const symmetric = $("symmetric").value.split(/[\s,]+/).filter(Boolean);
  Object.assign(request, {
    wrt: readWrt($("wrt").value),
    symmetric,
    layout: $("layout").value || null,
    steps: $("steps").checked,
  });
  if ($("steps").checked && $("at").value.trim()) request.at = $("at").value;
  const reply = await api("/api/derive", request);
  const inputs = [$("formula"), $("wrt"), $("shapes")];
  if (!reply.ok) {
    $("derive-output").hidden = true;
    showError($("derive-error"), reply.error, inputs);
    return;
  }
  clearError($("derive-error"), inputs);
  const data = reply.data;
  Object.assign(derived, { text: data.text, latex: data.latex, numpy: data.code.numpy || "" });
  $("result").dataset.text = data.text;
  math($("result"), data.latex, true);
  $("copy-numpy").disabled = !data.code.numpy;
  $("numpy-details").hidden = !data.code.numpy;
  $("numpy-code").textContent = data.code.numpy || "";
  showInferred(data.shapes);
  const steps = $("derive-steps");
  steps.textContent = "";
  for (const step of data.steps || []) {
    const item = document.createElement("li");
    math(item, step.latex, true);
    item.dataset.text = step.text;
    steps.append(item);
  }
  const numbers = $("derive-backprop");
  numbers.textContent = "";
  for (const [part, title] of [["forward", "Forward pass: each node's value"], ["gradients", "Backward pass: the partials"]]) {
    if (!data.backprop) break;
    const heading = document.createElement("h3");
    heading.textContent = title;
    numbers.append(heading, table(data.backprop[part]));
  }
  numbers.hidden = !data.backprop;
  $("derive-output").hidden = false;
}

async function copy(what, label) {
  const text = derived[what];
  try {
    await navigator.clipboard.writeText(text);
  } catch (err) {
    // no clipboard permission (an embedded or headless browser): copy through a selected field instead
    const field = document.createElement("textarea");
    field.value = text;
    field.setAttribute("aria-hidden", "true");
    field.className = "offscreen";
    document.body.append(field);
    field.select();
    document.execCommand("copy");
    field.remove();
  }
  $("copied").textContent = `${label} copied`;
}

// ---- Check ----------------------------------------------------------------
async function check() {
  const options = $("check-options").value.split("\n").map((line) => line.trim()).filter(Boolean);
  const request = {
    question: $("check-question").value,
    wrt: readWrt($("check-wrt").value),
    options,
    shapes: readShapes($("check-shapes").value),
    input: "auto",
  };
  const reply = await api("/api/check", request);
  const list = $("verdicts");
  const inputs = [$("check-question"), $("check-wrt"), $("check-shapes")];
  list.textContent = "";
  $("check-answer").textContent = "";
  if (!reply.ok) {
    showError($("check-error"), reply.error, inputs);
    return;
  }
  clearError($("check-error"), inputs);
  const answer = document.createElement("span");
  math(answer, reply.data.answer.latex);
  $("check-answer").append("Answer: ", answer);
  for (const option of reply.data.options) {
    const text = document.createElement("code");
    text.textContent = option.option;
    list.append(verdictItem(option.verdict, text, option.reason));
  }
}

// One option's verdict: li.verdict[data-verdict], the verdict, the option, and the reason below.
function verdictItem(verdict, shown, reason) {
  const item = document.createElement("li");
  item.className = "verdict";
  item.dataset.verdict = verdict;
  const head = document.createElement("strong");
  head.textContent = verdict;
  const why = document.createElement(verdict === "unreadable" ? "pre" : "p");
  why.textContent = reason;
  item.append(head, " ", shown, why);
  return item;
}

// ---- Worksheet --------------------------------------------------------------
const key = { data: null, loading: Promise.resolve() };

const SHOWN = new Set(["id", "kind", "text", "answer", "answer_latex", "options", "correct", "warning"]);

function showQuestion(question) {
  const section = document.createElement("section");
  section.className = "question";
  section.dataset.id = question.id;
  if (typeof question.answer === "string") section.dataset.answer = question.answer;
  const heading = document.createElement("h3");
  heading.textContent = `${question.id} (${question.kind})`;
  const text = document.createElement("p");
  prose(text, question.text || "");
  section.append(heading, text);
  if (question.answer_latex) {
    const label = document.createElement("h4");
    label.textContent = "answer";
    const answer = document.createElement("div");
    answer.className = "math";
    math(answer, question.answer_latex, true);
    section.append(label, answer);
  }
  if (question.warning) {
    const warning = document.createElement("p");
    warning.className = "warning";
    warning.textContent = `warning: ${question.warning}`;
    section.append(warning);
  }
  if (question.options) {
    const list = document.createElement("ol");
    for (const option of question.options) {
      const shown = document.createElement("span");
      math(shown, option.text);
      list.append(verdictItem(option.verdict, shown, option.why));
    }
    section.append(list);
  }
  for (const [name, value] of Object.entries(question)) {
    if (SHOWN.has(name) || value === null) continue;
    const label = document.createElement("h4");
    label.textContent = name;
    section.append(label, flat(value) ? table(value) : block(value));
  }
  return section;
}

// An object of numbers or names (a backprop's values) as a table of two rows; anything else as text.
function flat(value) {
  return value && typeof value === "object" && !Array.isArray(value) &&
    Object.values(value).every((item) => typeof item !== "object");
}

function table(value) {
  const wrap = document.createElement("div");
  wrap.className = "table";
  const grid = document.createElement("table");
  for (const row of [Object.keys(value), Object.values(value)]) {
    const line = grid.insertRow();
    for (const cell of row) line.insertCell().textContent = typeof cell === "object" ? JSON.stringify(cell) : String(cell);
  }
  wrap.append(grid);
  return wrap;
}

function block(value) {
  const pre = document.createElement("pre");
  pre.textContent = typeof value === "string" ? value : JSON.stringify(value);
  return pre;
}

async function solve() {
  await key.loading; // an uploaded file is read into the text area first
  const reply = await api("/api/worksheet", { toml: $("worksheet-text").value });
  const shown = $("key");
  shown.textContent = "";
  const downloads = ["download-latex", "download-pdf", "download-markdown", "download-json"];
  if (!reply.ok) {
    key.data = null;
    for (const id of downloads) $(id).disabled = true;
    showError($("worksheet-error"), reply.error, [$("worksheet-text")]);
    return;
  }
  clearError($("worksheet-error"), [$("worksheet-text")]);
  key.data = reply.data;
  for (const id of downloads) $(id).disabled = false;
  $("download-pdf").disabled = !reply.data.pdf;
  $("download-pdf").title = reply.data.pdf ? "" : "pdflatex is not installed where symdiff serve runs";
  const title = document.createElement("h3");
  title.textContent = reply.data.key.title || "Answer key";
  shown.append(title);
  for (const warning of reply.data.warnings) {
    const line = document.createElement("p");
    line.className = "warning";
    line.textContent = `warning: ${warning}`;
    shown.append(line);
  }
  for (const question of reply.data.key.questions) shown.append(showQuestion(question));
}

function download(name, blob) {
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
}

async function downloadPdf() {
  const reply = await api("/api/worksheet/pdf", { toml: $("worksheet-text").value }, true);
  if (reply.ok) download("key.pdf", reply.blob);
  else showError($("worksheet-error"), reply.error, [$("worksheet-text")]);
}

// ---- Wiring -----------------------------------------------------------------
function start() {
  $("formula").addEventListener("input", previewSoon);
  $("input").addEventListener("change", previewSoon);
  $("shapes").addEventListener("input", () => {
    shapesEdited = $("shapes").value.trim() !== "";
    previewSoon();
  });
  $("derive").addEventListener("click", () => busy($("derive"), derive));
  onCtrlEnter($("formula"), $("derive"));
  $("copy-text").addEventListener("click", () => copy("text", "Text"));
  $("copy-latex").addEventListener("click", () => copy("latex", "LaTeX"));
  $("copy-numpy").addEventListener("click", () => copy("numpy", "NumPy code"));
  $("check").addEventListener("click", () => busy($("check"), check));
  onCtrlEnter($("check-question"), $("check"));
  onCtrlEnter($("check-options"), $("check"));
  $("worksheet-file").addEventListener("change", () => {
    const file = $("worksheet-file").files[0];
    if (file) key.loading = file.text().then((content) => { $("worksheet-text").value = content; });
  });
  $("solve").addEventListener("click", () => busy($("solve"), solve));
  onCtrlEnter($("worksheet-text"), $("solve"));
  const text = (name, content, type) => download(name, new Blob([content], { type }));
  $("download-latex").addEventListener("click", () => text("key.tex", key.data.latex, "text/x-tex"));
  $("download-markdown").addEventListener("click", () => text("key.md", key.data.markdown, "text/markdown"));
  $("download-json").addEventListener("click", () =>
    text("key.json", `${JSON.stringify(key.data.key, null, 2)}\n`, "application/json"));
  $("download-pdf").addEventListener("click", () => busy($("download-pdf"), downloadPdf));
  if ($("formula").value.trim()) preview();
}

start();
