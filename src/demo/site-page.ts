import type { Reply } from "../simulators/http.js";

/** The demo shop's website, connected with `/threadline connect webchat Acme Shop`. */
export const demoSiteName = "Acme Shop";
const siteKey = "acme-shop";

/**
 * A page of the shop's website with the embed snippet, as a customer would paste it. The script comes from the
 * app's own receiver (another origin than this page), so the chat works across origins as on a real site.
 */
export function sitePage(appUrl: string): Reply {
  const body = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Acme Shop</title>
  <style>
    body { margin: 0; font: 16px/1.5 system-ui, sans-serif; color: #222; background: #faf7f2; }
    header { padding: 16px 24px; background: #2d6a4f; color: #fff; font-weight: 700; font-size: 20px; }
    main { max-width: 720px; margin: 0 auto; padding: 24px; }
    .products { display: grid; grid-template-columns: repeat(auto-fill, minmax(180px, 1fr)); gap: 16px; }
    .product { padding: 16px; background: #fff; border-radius: 8px; box-shadow: 0 1px 3px rgb(0 0 0 / 10%); }
  </style>
</head>
<body>
  <header>Acme Shop</header>
  <main>
    <h1>Spring collection</h1>
    <p>Questions about an order? Use <b>Chat with us</b> at the bottom right: the team answers from Slack.</p>
    <div class="products">
      <div class="product"><b>Trail runners</b><br>$89</div>
      <div class="product"><b>Rain jacket</b><br>$129</div>
      <div class="product"><b>Wool socks</b><br>$14</div>
    </div>
  </main>
  <script src="${appUrl}/webchat/${siteKey}.js" async></script>
</body>
</html>`;
  return {
    status: 200,
    body,
    headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-cache" },
  };
}
