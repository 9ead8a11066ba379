/**
 * The snippet a site pastes to load Sluice: Segment's official analytics.js snippet (v5.2.0, as in
 * test/browser/pages/segment-snippet-5.2.0.html) with only the host changed to this deployment's
 * origin and the write key filled in, as Segment documents. With a script alias, the script is
 * loaded from the neutral `/s/<alias>.js` instead.
 */
const SNIPPET = `<script>
  !function(){var i="analytics",analytics=window[i]=window[i]||[];if(!analytics.initialize)if(analytics.invoked)window.console&&console.error&&console.error("Segment snippet included twice.");else{analytics.invoked=!0;analytics.methods=["trackSubmit","trackClick","trackLink","trackForm","pageview","identify","reset","group","track","ready","alias","debug","page","screen","once","off","on","addSourceMiddleware","addIntegrationMiddleware","setAnonymousId","addDestinationMiddleware","register"];analytics.factory=function(e){return function(){if(window[i].initialized)return window[i][e].apply(window[i],arguments);var n=Array.prototype.slice.call(arguments);if(["track","screen","alias","group","page","identify"].indexOf(e)>-1){var c=document.querySelector("link[rel='canonical']");n.push({__t:"bpc",c:c&&c.getAttribute("href")||void 0,p:location.pathname,u:location.href,s:location.search,t:document.title,r:document.referrer})}n.unshift(e);analytics.push(n);return analytics}};for(var n=0;n<analytics.methods.length;n++){var key=analytics.methods[n];analytics[key]=analytics.factory(key)}analytics.load=function(key,n){var t=document.createElement("script");t.type="text/javascript";t.async=!0;t.setAttribute("data-global-segment-analytics-key",i);t.src="https://cdn.segment.com/analytics.js/v1/" + key + "/analytics.min.js";var r=document.getElementsByTagName("script")[0];r.parentNode.insertBefore(t,r);analytics._loadOptions=n};analytics._writeKey="YOUR_WRITE_KEY";;analytics.SNIPPET_VERSION="5.2.0";
  analytics.load("YOUR_WRITE_KEY");
  analytics.page();
  }}();
</script>`;

const CDN_SRC = `"https://cdn.segment.com/analytics.js/v1/" + key + "/analytics.min.js"`;

/** The ready-to-paste snippet for `origin` (e.g. `https://data.example.com`). */
export function snippetFor(origin: string, writeKey: string, scriptAlias?: string): string {
  const src = scriptAlias ? JSON.stringify(`${origin}/s/${scriptAlias}.js`) : `"${origin}/analytics.js/v1/" + key + "/analytics.min.js"`;
  return SNIPPET.replace(CDN_SRC, src).replaceAll("YOUR_WRITE_KEY", writeKey);
}

/** Where this deployment serves analytics.js for a write key. */
export const scriptUrlFor = (origin: string, writeKey: string) => `${origin}/analytics.js/v1/${encodeURIComponent(writeKey)}/analytics.min.js`;
