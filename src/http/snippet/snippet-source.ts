// The tag pasted next to a banner: a small script (< 2 KB) that sends the impression when the ad
// renders and a viewable impression by the MRC rule, plus an <img> fallback for pages without script.
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
 * The script, written compactly by hand (no minifier needed). It tracks the element right before it:
 * - impression: once, when the script runs (the ad has rendered), with a random impression id;
 * - viewable: once, when ≥ 50 % of the ad's pixels (30 % for ads of ≥ 242,500 px²) have been in view
 *   for ≥ 1 s continuously (≥ 2 s for video) while the page is visible, seen by IntersectionObserver;
 * - both with navigator.sendBeacon (POST /e), falling back to an image request;
 * - click links to the server's /c inside the ad get the impression id appended.
 */
export function snippetScript(c: SnippetConfig): string {
  const rule = c.video ? MRC_VIDEO : MRC_DISPLAY;
  const large = c.video ? MRC_VIDEO : MRC_LARGE_DISPLAY;
  const parts = [
    `(function(E,C,R,P,M,L,X,A){`,
    `var d=document,w=window,n=navigator,s=d.currentScript,el=s&&s.previousElementSibling;if(!el)return;`,
    `var k=w.crypto&&crypto.randomUUID?crypto.randomUUID():Date.now().toString(36)+Math.random().toString(36).slice(2),`,
    `b={c:C,cr:R,p:P,id:k,m:1},f={},t=0,r=0;if(n.webdriver)b.wd=1;`,
    `function q(o){var a=[];for(var x in o)a.push(x+"="+encodeURIComponent(o[x]));return a.join("&")}`,
    `function send(y){if(f[y])return;f[y]=1;var o={t:y};for(var x in b)o[x]=b[x];`,
    `if(!(n.sendBeacon&&n.sendBeacon(E+"/e",JSON.stringify([o])))){new Image().src=E+"/"+y.charAt(0)+".gif?"+q(b)}}`,
    `send("impression");`,
    `var ls=el.querySelectorAll?el.querySelectorAll("a[href^='"+E+"/c?']"):[];for(var i=0;i<ls.length;i++)ls[i].href+="&id="+k;`,
    `if(!("IntersectionObserver" in w))return;`,
    `var min=el.offsetWidth*el.offsetHeight>=A?L:M;`,
    `function go(){if(r>=min&&!d.hidden){if(!t)t=setTimeout(function(){send("viewable");o.disconnect()},X)}else{clearTimeout(t);t=0}}`,
    `var o=new IntersectionObserver(function(es){r=es[es.length-1].intersectionRatio;go()},{threshold:[0,${large.minFraction},${rule.minFraction},1]});`,
    `o.observe(el);d.addEventListener("visibilitychange",go)`,
    `})(${[c.endpoint, c.campaign, c.creative, c.placement].map(jsLiteral).join(",")},${rule.minFraction},${large.minFraction},${rule.minMs},${LARGE_AD_PIXELS})`,
  ];
  return parts.join("");
}

/** The tag to paste right after the ad element: the script and a <noscript> pixel. */
export function snippetTag(c: SnippetConfig): string {
  return `<script>${snippetScript(c)}</script><noscript><img src="${htmlAttr(pixelUrl(c))}" width="1" height="1" alt="" style="position:absolute;left:-9999px"></noscript>`;
}

/** A plain <img> pixel for placements that accept no script (impressions only, not measurable). */
export function imgTag(c: SnippetConfig): string {
  return `<img src="${htmlAttr(pixelUrl(c))}" width="1" height="1" alt="" style="position:absolute;left:-9999px">`;
}
