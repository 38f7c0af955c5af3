package dev.nodeless.cli;

/** Output format of pods: a table or lines for people, or a Kubernetes List for programs. */
enum OutputFormat {
  text,
  json,
  yaml
}
