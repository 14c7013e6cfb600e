// The accessibility basics of the page, checked where they show: in the
// browser, from computed styles. Returns the problems found, as text.
// Interactive elements are numbered in data-a11y, for the Tab walk that
// follows in Go.
(() => {
  const problems = [];
  const name = (el) => {
    const text = (el.innerText || el.value || el.getAttribute("aria-label") || "").trim().slice(0, 40);
    return el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (text ? ` "${text}"` : "");
  };
  const shown = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";

  // Every form field has a label.
  for (const el of document.querySelectorAll("input:not([type=hidden]), select, textarea")) {
    const labelled = (el.labels && el.labels.length > 0 && [...el.labels].some((l) => l.innerText.trim() !== "")) ||
      el.getAttribute("aria-label") || el.getAttribute("aria-labelledby");
    if (!labelled) problems.push("form field without a label: " + name(el));
  }

  // Every picture says what it shows.
  for (const el of document.querySelectorAll("img")) {
    if (!el.getAttribute("alt") && !el.getAttribute("aria-label")) problems.push("image without alt text: " + name(el));
  }
  for (const el of document.querySelectorAll("svg")) {
    if (el.parentElement.closest("svg")) continue;
    const title = el.querySelector(":scope > title");
    if (!el.getAttribute("aria-label") && !el.getAttribute("aria-labelledby") && !(title && title.textContent.trim())) {
      problems.push("SVG without a title or aria-label");
    }
  }

  // Text contrast at least 4.5:1, from the computed colour of each
  // element with text of its own and the first opaque background behind it.
  const rgba = (s) => {
    const m = s.match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const [r, g, b, a] = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return { r, g, b, a: a === undefined ? 1 : a };
  };
  const luminance = ({ r, g, b }) => {
    const lin = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  };
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgba(getComputedStyle(e).backgroundColor);
      if (c && c.a === 1) return c;
    }
    return { r: 255, g: 255, b: 255, a: 1 };
  };
  for (const el of document.querySelectorAll("body *")) {
    const ownText = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim() !== "");
    if (!ownText || !shown(el) || el.closest("title, script, style")) continue;
    const style = getComputedStyle(el);
    const fg = rgba(el instanceof SVGElement ? style.fill : style.color);
    if (!fg) continue;
    const [l1, l2] = [luminance(fg), luminance(background(el))].sort((a, b) => b - a);
    const ratio = (l1 + 0.05) / (l2 + 0.05);
    if (ratio < 4.5) problems.push(`contrast ${ratio.toFixed(2)}:1 under 4.5:1: ` + name(el));
  }

  // Number what Tab should reach.
  const interactive = [...document.querySelectorAll("a[href], button, input:not([type=hidden]), select, textarea, [tabindex]")]
    .filter((el) => !el.disabled && shown(el));
  interactive.forEach((el, i) => el.setAttribute("data-a11y", String(i)));
  return { problems, interactive: interactive.map(name) };
})()
