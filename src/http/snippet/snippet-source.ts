// The tag pasted next to a banner: a small script that sends the impression once the ad has rendered
// and a viewable impression by the MRC rule, plus an <img> fallback for pages without script.
// docs/tracking.md describes what it measures, its limits, and the CSP a page needs for it.
import { createHash } from "node:crypto";
import { LARGE_AD_PIXELS, MRC_DISPLAY, MRC_LARGE_DISPLAY, MRC_VIDEO } from "../../domain/tracking/viewability.js";

export interface SnippetConfig {
  /** The tracking server's public base URL, e.g. https://t.example.com */
  endpoint: string;
  campaign: string;
  creative: string;
  placement: string;
  video: boolean;
}

/** A value as a JavaScript literal that is safe inside an HTML <script> element. */
function jsLiteral(v: string | number): string {
  return JSON.stringify(v).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

/** Escapes text for an HTML attribute value. */
export function htmlAttr(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** The pixel URL of an impression (or a viewable impression) without script. */
export function pixelUrl(c: SnippetConfig, type: "i" | "v" = "i"): string {
  const q = new URLSearchParams({ c: c.campaign, ...(c.creative ? { cr: c.creative } : {}), ...(c.placement ? { p: c.placement } : {}) });
  return `${c.endpoint}/${type}.gif?${q.toString().replace(/\+/g, "%20")}`;
}

/**
 * The tag's id: the same for the same settings, so a page can carry a tag twice and the script can
 * find its own <script> element by it when the browser gives no document.currentScript.
 */
export function tagId(c: SnippetConfig): string {
  const h = createHash("sha256").update(JSON.stringify([c.endpoint, c.campaign, c.creative, c.placement, c.video])).digest("hex");
  return `cpi-${h.slice(0, 12)}`;
}

/**
 * The script, written compactly by hand (no minifier needed). It tracks the element right before its
 * <script> (document.currentScript, else the first script not yet claimed that names the tag's id):
 * - impression: once, when the creative has rendered: the ad element's (or its first img/video/iframe's)
 *   load, or at once when it holds no media; an image loaded before the tag ran counts when it decodes
 *   (its natural size may be 0: an SVG without one); never for a creative that fails to load. A page
 *   may drive it instead with the ad element's `data-cpi-state` (rendered, playing, paused);
 * - measurable (`m`, with `mm` naming IntersectionObserver v1 or v2) only when measurement started;
 * - viewable: once, when ≥ 50 % of the ad's pixels (30 % for ads of ≥ 242,500 px², the area read from
 *   each IntersectionObserver entry) have been in view for ≥ 1 s continuously while the page is
 *   visible; for video, 2 s of continuous play (the <video> element's state, or `data-cpi-state`);
 *   with IntersectionObserver v2 an ad that is covered or transparent is not in view;
 * - both with fetch (keepalive, like sendBeacon: it outlives the page), falling back to an image request
 *   when it fails (e.g. the page's CSP blocks connect-src: sendBeacon would report success) or when the
 *   browser has no fetch;
 * - click links to the server's /c inside the ad get the impression id appended.
 */
export function snippetScript(c: SnippetConfig): string {
  const rule = c.video ? MRC_VIDEO : MRC_DISPLAY;
  const large = c.video ? MRC_VIDEO : MRC_LARGE_DISPLAY;
  const parts = [
    `(function(E,C,R,P,K,M,L,X,A,V){`,
    `var d=document,w=window,n=navigator,s=d.currentScript,S,i;`,
    `function mine(x){return!x.cpi&&(x.getAttribute("data-cpi-tag")==K||(x.text||"").indexOf(K)>=0)}`,
    `if(!s||s.cpi)for(s=0,S=d.getElementsByTagName("script"),i=0;i<S.length&&!s;i++)if(mine(S[i]))s=S[i];`,
    `var el=s&&s.previousElementSibling;if(!el)return;s.cpi=1;`,
    `var k=w.crypto&&crypto.randomUUID?crypto.randomUUID():Date.now().toString(36)+Math.random().toString(36).slice(2),`,
    `b={c:C,cr:R,p:P,id:k},f={},t=0,r=0,a=0,ld,io,v2,g=el.hasAttribute("data-cpi-state"),`,
    `cr=g?0:/^(IMG|VIDEO|IFRAME)$/.test(el.tagName)?el:el.querySelector(V?"video":"img,video,iframe"),vd=V&&cr&&cr.tagName=="VIDEO"&&cr;`,
    `if(n.webdriver)b.wd=1;`,
    `function st(){return el.getAttribute("data-cpi-state")}`,
    `function q(o){var x,y=[];for(x in o)y.push(x+"="+encodeURIComponent(o[x]));return y.join("&")}`,
    `function send(y){if(f[y])return;f[y]=1;var o={t:y},x;for(x in b)o[x]=b[x];`,
    `function img(){new Image().src=E+"/"+y.charAt(0)+".gif?"+q(b)}`,
    `if(w.fetch)fetch(E+"/e",{method:"POST",body:JSON.stringify([o]),keepalive:true,mode:"no-cors",credentials:"omit"}).catch(img);else img()}`,
    `function on(){return!V||(g?st()=="playing":!vd.paused&&!vd.ended&&vd.readyState>2)}`,
    `function go(){if(r>=(a>=A?L:M)&&!d.hidden&&on()){if(!t)t=setTimeout(function(){send("viewable");io.disconnect()},X)}else{clearTimeout(t);t=0}}`,
    `function ok(){if(g)return/^(rendered|playing|paused)$/.test(st());if(!cr)return 1;var T=cr.tagName;`,
    `return T=="VIDEO"?cr.readyState>1:ld||(T=="IMG"?cr.complete&&cr.naturalWidth>0:!cr.src||w.performance&&performance.getEntriesByName(cr.src).length>0)}`,
    `function start(){if(f.s||!ok())return;f.s=1;`,
    `if((!V||g||vd)&&w.IntersectionObserver)try{io=new IntersectionObserver(function(es){var e=es[es.length-1],z=e.boundingClientRect;`,
    `a=z.width*z.height;r=v2&&!e.isVisible?0:e.intersectionRatio;go()},{threshold:[0,L,M,1],trackVisibility:true,delay:100});`,
    `v2=io.trackVisibility===true;io.observe(cr||el);b.m=1;b.mm=v2?"io-v2":"io-v1"}catch(e){}`,
    `send("impression");if(b.m){d.addEventListener("visibilitychange",go);`,
    `if(vd)"play playing pause ended waiting seeking emptied timeupdate".replace(/\\w+/g,function(x){vd.addEventListener(x,go)})}}`,
    `var ls=el.querySelectorAll("a[href^='"+E+"/c?']");for(i=0;i<ls.length;i++)ls[i].href+="&id="+k;`,
    `if(g)new MutationObserver(function(){start();go()}).observe(el,{attributes:true,attributeFilter:["data-cpi-state"]});`,
    `else if(cr){cr.addEventListener(cr.tagName=="VIDEO"?"loadeddata":"load",function(){ld=1;start()});`,
    `if(cr.complete&&cr.decode)cr.decode().then(function(){ld=1;start()},function(){})}start()`,
    `})(${[c.endpoint, c.campaign, c.creative, c.placement, tagId(c)].map(jsLiteral).join(",")},${rule.minFraction},${large.minFraction},${rule.minMs},${LARGE_AD_PIXELS},${c.video ? 1 : 0})`,
  ];
  return parts.join("");
}

/** The base64 SHA-256 of a script, as a CSP source: 'sha256-…'. */
export function scriptHash(script: string): string {
  return `'sha256-${createHash("sha256").update(script, "utf8").digest("base64")}'`;
}

/**
 * The Content-Security-Policy directives a page with a CSP needs for the tag: the inline script by its
 * hash (or, with `scriptSrc`, the host of the external script: 'self' for a path), and the endpoint's
 * origin for the events (connect-src) and the image fallback (img-src).
 * @example tagCsp(config) // "script-src 'sha256-…'; connect-src https://t.example.com; img-src https://t.example.com"
 */
export function tagCsp(c: SnippetConfig, scriptSrc?: string): string {
  const origin = new URL(c.endpoint).origin;
  const script = scriptSrc === undefined ? scriptHash(snippetScript(c)) : /^[a-z][a-z0-9+.-]*:/i.test(scriptSrc) ? new URL(scriptSrc).origin : "'self'";
  return `script-src ${script}; connect-src ${origin}; img-src ${origin}`;
}

function noscriptPixel(c: SnippetConfig): string {
  return `<noscript><img src="${htmlAttr(pixelUrl(c))}" width="1" height="1" alt="" style="position:absolute;left:-9999px"></noscript>`;
}

/** The tag to paste right after the ad element: the script and a <noscript> pixel. */
export function snippetTag(c: SnippetConfig): string {
  return `<script>${snippetScript(c)}</script>${noscriptPixel(c)}`;
}

/**
 * The tag for pages whose CSP allows no inline script: the script loaded from `src` (where the
 * publisher serves the file `cpi snippet --format js` prints), named by the tag's id, and the pixel.
 */
export function externalSnippetTag(c: SnippetConfig, src: string): string {
  return `<script src="${htmlAttr(src)}" data-cpi-tag="${tagId(c)}"></script>${noscriptPixel(c)}`;
}

/** A plain <img> pixel for placements that accept no script (impressions only, not measurable). */
export function imgTag(c: SnippetConfig): string {
  return `<img src="${htmlAttr(pixelUrl(c))}" width="1" height="1" alt="" style="position:absolute;left:-9999px">`;
}
