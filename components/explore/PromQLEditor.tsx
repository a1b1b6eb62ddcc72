"use client";
// The PromQL editor: CodeMirror 6 with the Prometheus project's own PromQL language support
// (codemirror-promql: highlighting, linting, autocomplete of functions, metric names, labels and values
// from the chosen cluster through ExplorePrometheusClient). Enter runs the query (Shift+Enter: new line),
// as in the Prometheus UI. A syntax error the server found is marked at its position.
import { autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap } from "@codemirror/autocomplete";
import { defaultKeymap, history, historyKeymap, insertNewlineAndIndent } from "@codemirror/commands";
import { bracketMatching, defaultHighlightStyle, indentOnInput, syntaxHighlighting } from "@codemirror/language";
import { lintKeymap, setDiagnostics } from "@codemirror/lint";
import { Compartment, EditorState, Prec } from "@codemirror/state";
import { EditorView, highlightSpecialChars, keymap, placeholder } from "@codemirror/view";
import { PromQLExtension } from "@prometheus-io/codemirror-promql";
import { useEffect, useRef } from "react";
import type { ExploreSyntaxPosition } from "@/lib/api-schema";
import { ExplorePrometheusClient } from "./prometheus-client";

const editorTheme = EditorView.theme({
  "&": { border: "1px solid var(--border)", borderRadius: 4, background: "var(--bg-panel)", color: "var(--fg)", fontSize: "13px" },
  "&.cm-focused": { outline: "2px solid var(--accent)" },
  ".cm-content": { fontFamily: "ui-monospace, SFMono-Regular, Menlo, monospace", caretColor: "var(--fg)", padding: "6px 0" },
  ".cm-tooltip": { background: "var(--bg-panel)", color: "var(--fg)", border: "1px solid var(--border)" },
  ".cm-tooltip-autocomplete ul li[aria-selected]": { background: "var(--accent)", color: "var(--bg)" },
});

interface Props {
  value: string;
  onChange: (value: string) => void;
  onRun: () => void;
  /** Autocomplete asks this cluster over this range. */
  scope: { cluster: string; start: number; end: number } | null;
  /** Where the server said the expression does not parse, with its message. */
  syntaxError: { position: ExploreSyntaxPosition; message: string } | null;
  label: string;
}

export function PromQLEditor({ value, onChange, onRun, scope, syntaxError, label }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const language = useRef(new Compartment());
  // The callbacks change every render; the editor reads the current ones.
  const handlers = useRef({ onChange, onRun });
  handlers.current = { onChange, onRun };

  useEffect(() => {
    const run = () => {
      handlers.current.onRun();
      return true;
    };
    const editor = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: value,
        extensions: [
          history(),
          highlightSpecialChars(),
          indentOnInput(),
          bracketMatching(),
          closeBrackets(),
          autocompletion(),
          syntaxHighlighting(defaultHighlightStyle),
          EditorView.lineWrapping,
          editorTheme,
          placeholder("PromQL, e.g. rate(apiserver_request_total[5m])"),
          EditorView.contentAttributes.of({ "aria-label": label, "data-testid": "promql-input" }),
          language.current.of([]),
          // Above the completion keymap: Enter runs unless a completion is open (completionKeymap takes it then).
          Prec.highest(keymap.of([...completionKeymap, { key: "Enter", run }, { key: "Mod-Enter", run }, { key: "Shift-Enter", run: insertNewlineAndIndent }])),
          keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...historyKeymap, ...lintKeymap]),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) handlers.current.onChange(u.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = editor;
    return () => {
      editor.destroy();
      view.current = null;
    };
    // Created once; value changes from outside are applied below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // Autocomplete follows the chosen cluster and range.
  const scopeKey = scope ? `${scope.cluster}|${scope.start}|${scope.end}` : "";
  useEffect(() => {
    const editor = view.current;
    if (!editor) return;
    const client = scope ? new ExplorePrometheusClient(scope) : undefined;
    const promql = new PromQLExtension().setComplete(client ? { remote: client } : undefined);
    editor.dispatch({ effects: language.current.reconfigure(promql.asExtension()) });
    return () => client?.destroy();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [scopeKey]);

  // A value set from outside (back button, a link) replaces the text.
  useEffect(() => {
    const editor = view.current;
    if (editor && editor.state.doc.toString() !== value) editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: value } });
  }, [value]);

  useEffect(() => {
    const editor = view.current;
    if (!editor) return;
    const length = editor.state.doc.length;
    const diagnostics = syntaxError
      ? [{ from: Math.min(syntaxError.position.offset, length), to: Math.min(syntaxError.position.offset + 1, length), severity: "error" as const, message: syntaxError.message }]
      : [];
    editor.dispatch(setDiagnostics(editor.state, diagnostics));
  }, [syntaxError]);

  return <div ref={host} data-testid="promql-editor" />;
}
