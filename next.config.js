import { PHASE_DEVELOPMENT_SERVER } from "next/constants.js";

/**
 * The pages' security headers (docs/security.md). Next.js bootstraps every page, and streams its data, through
 * inline <script>s: allowing them by nonce would need a proxy on every request and make every page dynamic, so
 * script-src allows inline scripts from our own pages. The visitor window (/im, the page other sites embed) is
 * not a Next.js page (src/app/im/route.ts): it loads one module script from our origin and carries its data
 * in a non-executable JSON <script>, so it allows no inline script at all. The policy's weight is in what it forbids besides: script
 * from any other origin, plugins, <base> hijacking, forms posting elsewhere, and (outside /im) being framed.
 * Message text and names are rendered by React as text, never as HTML, which is the first line against injection.
 */
const contentSecurityPolicy = ({ isDev, isFramable, inlineScripts = true }) =>
  [
    "default-src 'self'",
    `script-src 'self'${inlineScripts ? " 'unsafe-inline'" : ""}${isDev ? " 'unsafe-eval'" : ""}`, // React's development build evaluates code for its stack traces
    "style-src 'self' 'unsafe-inline'", // React style props and Next's injected styles
    "img-src 'self' data: blob:", // blob: previews of images being uploaded
    "font-src 'self' data:",
    "connect-src 'self'", // Socket.IO (WebSocket and polling) and the API, on our own origin only
    "media-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    // The visitor window is framed by the sites that embed the widget (which sites may is decided per agent,
    // elsewhere); every other page, the agent console above all, by no one.
    ...(isFramable ? [] : ["frame-ancestors 'none'"]),
  ].join("; ");

const everywhere = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" }, // never a full URL (with its query) to another site
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=(), usb=()" },
];

/** @type {(phase: string) => import('next').NextConfig} */
const nextConfig = (phase) => {
  const isDev = phase === PHASE_DEVELOPMENT_SERVER;
  return {
    poweredByHeader: false,
    // Native or Node-only modules stay as plain requires in the server bundle instead of being bundled.
    serverExternalPackages: ["@node-rs/argon2", "pg", "@prisma/adapter-pg", "pino"],
    // golang-im's visitor window was im.html; old embeds keep working.
    rewrites: async () => [{ source: "/im.html", destination: "/im" }],
    headers: async () => [
      { source: "/:path*", headers: everywhere },
      { source: "/im", headers: [{ key: "Content-Security-Policy", value: contentSecurityPolicy({ isDev, isFramable: true, inlineScripts: false }) }] },
      { source: "/im.html", headers: [{ key: "Content-Security-Policy", value: contentSecurityPolicy({ isDev, isFramable: true, inlineScripts: false }) }] },
      // The visitor window's scripts and styles (scripts/widget-build.mjs): content-hashed names, so a file never changes.
      { source: "/im/:file+", headers: [{ key: "Cache-Control", value: "public, max-age=31536000, immutable" }] },
      // Everything but the visitor window (and its old name): "/" included, since (.*) also matches nothing.
      {
        source: "/((?!im$|im\\.html$).*)",
        headers: [
          { key: "Content-Security-Policy", value: contentSecurityPolicy({ isDev, isFramable: false }) },
          { key: "X-Frame-Options", value: "DENY" }, // for browsers that predate frame-ancestors
        ],
      },
    ],
    typescript: { ignoreBuildErrors: true }, // `npm run typecheck` runs tsc 7, which Next's own checker cannot drive
  };
};
export default nextConfig;
