"use client";

import { useCallback, useEffect, useState } from "react";
import type { ChatClient } from "../../_chat/chat-client.ts";
import type { VisitorProfile } from "../../../server/socket/contract.ts";

export type VisitorProfileState = {
  profile: VisitorProfile | null;
  error: string | null;
  /** Replaces the shown profile with one the server just answered (visitor:block and visitor:unblock acks). */
  accept: (profile: VisitorProfile) => void;
};

/**
 * One visitor's profile: fetched with `visitor:get`, replaced by every `visitor:updated` the server sends
 * (name, email, attributes, page, blocks), and fetched again whenever `refreshKey` changes (presence and
 * last seen, which reach the console as inbox changes).
 */
export function useVisitorProfile(client: ChatClient, deviceId: string, refreshKey: string): VisitorProfileState {
  const [loaded, setLoaded] = useState<{ deviceId: string; profile: VisitorProfile } | null>(null);
  const [error, setError] = useState<{ deviceId: string; message: string } | null>(null);

  useEffect(() => {
    let isCurrent = true;
    client.request("visitor:get", { deviceId }).then(
      ({ visitor }) => {
        if (!isCurrent) return;
        setLoaded({ deviceId, profile: visitor });
        setError(null);
      },
      (err: Error) => {
        if (isCurrent) setError({ deviceId, message: err.message });
      },
    );
    return () => {
      isCurrent = false;
    };
  }, [client, deviceId, refreshKey]);

  const accept = useCallback((profile: VisitorProfile) => setLoaded({ deviceId: profile.deviceId, profile }), []);
  useEffect(() => client.on("visitor:updated", (profile) => profile.deviceId === deviceId && accept(profile)), [client, deviceId, accept]);
  // Another visitor's profile is never shown, not even for the moment before the new one arrives.
  return { profile: loaded?.deviceId === deviceId ? loaded.profile : null, error: error?.deviceId === deviceId ? error.message : null, accept };
}

/** The current time, updated at each new minute (a visitor's local clock needs no seconds). */
export function useMinuteClock(): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout>;
    const tick = () => {
      const current = new Date();
      setNow(current);
      timer = setTimeout(tick, 60_000 - (current.getTime() % 60_000) + 50);
    };
    timer = setTimeout(tick, 60_000 - (Date.now() % 60_000) + 50);
    return () => clearTimeout(timer);
  }, []);
  return now;
}
