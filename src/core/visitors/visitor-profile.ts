/** The site's custom attributes for a visitor (the widget's JavaScript API): flat, small, shown in the console. */
export type VisitorAttributes = Record<string, string | number | boolean>;

/** Everything the console's visitor panel shows about one visitor (docs/protocol.md, "VisitorProfile"). */
export type VisitorProfile = {
  deviceId: string;
  /** The readable name: the name they gave, else their email, else the generated label ("Visitor 4821"). */
  displayName: string;
  label: string;
  name: string | null;
  email: string | null;
  /** A verified user's ID on the site (identity verification); null for an anonymous visitor. */
  userId: string | null;
  attributes: VisitorAttributes;
  currentPage: string | null;
  referrer: string | null;
  userAgent: string | null;
  /** Parsed from the user agent: "Chrome 142", "macOS 15", "mobile"; null when unknown. */
  browser: string | null;
  os: string | null;
  deviceType: string | null;
  /** IANA time zone ("Asia/Shanghai"), so the console shows the visitor's local time. */
  timezone: string | null;
  locale: string | null;
  ip: string | null;
  firstSeenAt: string;
  lastSeenAt: string;
  online: boolean;
  /** Whether this agent blocks the visitor's device, and the IP address the visitor was last seen from. */
  blocked: { device: boolean; ip: boolean };
};

/**
 * What a visitor (or the site, through the widget's JavaScript API) may say about themselves. Attributes are
 * merged into the stored ones, and an attribute set to null is removed; an empty name or email clears it.
 */
export type VisitorProfileUpdate = { name?: string; email?: string; attributes?: Record<string, VisitorAttributes[string] | null> };
