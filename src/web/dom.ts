// Building DOM without HTML strings: text always goes in as text nodes (textContent), so nothing from
// imported data (a campaign named <img src=x onerror=…>) can become markup. There is no innerHTML here.

export type Child = Node | string | number | null | undefined | false | Child[];

export interface Props {
  class?: string;
  /** Attributes; event-handler attributes (on…) are refused: use `on`. */
  attrs?: Record<string, string | number | boolean | undefined>;
  data?: Record<string, string>;
  on?: { [K in keyof HTMLElementEventMap]?: (e: HTMLElementEventMap[K]) => void };
  style?: Record<string, string>;
}

/** Appends children: strings and numbers as text nodes, arrays flattened, null/false skipped. */
export function append(parent: Node, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(parent, ...c);
    else if (c instanceof Node) parent.appendChild(c);
    else parent.appendChild(document.createTextNode(String(c)));
  }
}

/** An element with props and children. @example h("td", { class: "num" }, "1,234") */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props | null = null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props) {
    if (props.class) el.className = props.class;
    for (const [k, v] of Object.entries(props.attrs ?? {})) {
      if (/^on/i.test(k)) throw new Error(`event handler attribute ${k} refused: use props.on`);
      if (v === undefined || v === false) continue;
      if ((k === "href" || k === "src" || k === "action") && !/^(#|\/(?!\/)|\.\/|data:,$)/.test(String(v))) throw new Error(`${k} must be a local URL`);
      el.setAttribute(k, v === true ? "" : String(v));
    }
    for (const [k, v] of Object.entries(props.data ?? {})) el.dataset[k] = v;
    for (const [k, v] of Object.entries(props.style ?? {})) el.style.setProperty(k, v);
    for (const [k, fn] of Object.entries(props.on ?? {})) el.addEventListener(k, fn as EventListener);
  }
  append(el, ...children);
  return el;
}

/** Removes every child. */
export function clear(el: Element): void {
  while (el.firstChild) el.removeChild(el.firstChild);
}

/** Replaces an element's children. */
export function replace(el: Element, ...children: Child[]): void {
  clear(el);
  append(el, ...children);
}

/** A labelled form field. */
export function field(label: string, control: HTMLElement, hint?: string): HTMLLabelElement {
  return h("label", { class: "field" }, h("span", { class: "label" }, label), control, hint ? h("small", null, hint) : null);
}

/** A <select> of options (value, label), with one selected. */
export function select(options: readonly (string | [string, string])[], value: string, onChange: (v: string) => void, attrs: Props["attrs"] = {}): HTMLSelectElement {
  const s = h("select", { attrs, on: { change: () => onChange(s.value) } }, ...options.map((o) => {
    const [v, l] = Array.isArray(o) ? o : [o, o];
    return h("option", { attrs: { value: v, selected: v === value } }, l);
  }));
  s.value = value;
  return s;
}

/** An error box with the API's message (as text). */
export function errorBox(e: unknown): HTMLElement {
  const msg = e instanceof Error ? e.message : String(e);
  return h("div", { class: "error", attrs: { role: "alert" } }, msg);
}

/** A "loading" placeholder. */
export function loading(what = "Loading…"): HTMLElement {
  return h("div", { class: "loading" }, what);
}

/** Calls fn at most once per `ms`, with the last arguments. */
export function debounce<A extends unknown[]>(fn: (...a: A) => void, ms: number): (...a: A) => void {
  let t: ReturnType<typeof setTimeout> | null = null;
  return (...a: A) => {
    if (t) clearTimeout(t);
    t = setTimeout(() => fn(...a), ms);
  };
}
