"use client";

import { useEffect, useRef, useState, type DragEvent, type ReactNode } from "react";
import { useT } from "../_i18n/i18n-provider.tsx";
import { chatMessages } from "../_i18n/messages/chat.ts";

const isFileDrag = (event: { dataTransfer: DataTransfer | null }) => event.dataTransfer?.types.includes("Files") ?? false;

/** Files dropped anywhere on `children` are sent; while files are dragged over it, it says so. */
export function FileDropZone({ onFiles, className, children }: { onFiles: (files: File[]) => void; className?: string; children: ReactNode }) {
  const t = useT(chatMessages);
  const [isOver, setOver] = useState(false);
  // dragenter and dragleave fire for every child crossed; the zone is left when they balance out.
  const depth = useRef(0);
  useEffect(() => {
    // A file dropped beside the zone would otherwise replace the whole page (the console, the chat) with the file.
    const keepPage = (event: globalThis.DragEvent) => isFileDrag(event) && event.preventDefault();
    window.addEventListener("dragover", keepPage);
    window.addEventListener("drop", keepPage);
    return () => {
      window.removeEventListener("dragover", keepPage);
      window.removeEventListener("drop", keepPage);
    };
  }, []);

  const onDragEnter = (event: DragEvent) => {
    if (!isFileDrag(event)) return;
    event.preventDefault();
    depth.current += 1;
    setOver(true);
  };
  const onDragOver = (event: DragEvent) => {
    if (!isFileDrag(event)) return;
    event.preventDefault(); // this is what makes the zone a drop target
    event.dataTransfer.dropEffect = "copy";
  };
  const onDragLeave = (event: DragEvent) => {
    if (!isFileDrag(event)) return;
    depth.current = Math.max(0, depth.current - 1);
    if (depth.current === 0) setOver(false);
  };
  const onDrop = (event: DragEvent) => {
    if (!isFileDrag(event)) return;
    event.preventDefault();
    depth.current = 0;
    setOver(false);
    const files = [...event.dataTransfer.files];
    if (files.length) onFiles(files);
  };

  return (
    <div className={`relative ${className ?? ""}`} onDragEnter={onDragEnter} onDragOver={onDragOver} onDragLeave={onDragLeave} onDrop={onDrop}>
      {children}
      {isOver && (
        <div className="pointer-events-none absolute inset-2 z-10 flex items-center justify-center rounded-2xl border-2 border-dashed border-brand-500 bg-brand-50/90 text-sm font-semibold text-brand-700">
          {t("dropToSend")}
        </div>
      )}
    </div>
  );
}
