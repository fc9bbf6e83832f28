// The visitor window's browser entry (scripts/widget-build.mjs bundles it): hydrates the markup that
// render.tsx gave the page, with the same data, which the page carries as JSON (not run as a script).
import { hydrateRoot } from "react-dom/client";
import { DATA_ID, ROOT_ID, VisitorWindowApp, type VisitorWindowData } from "./visitor-window-app.tsx";

const data = JSON.parse(document.getElementById(DATA_ID)!.textContent!) as VisitorWindowData;
hydrateRoot(document.getElementById(ROOT_ID)!, <VisitorWindowApp {...data} />);
