package dev.nodeless.cli;

/** How a command prints pods: a table or lines for people, or a Kubernetes List for programs. */
enum OutputFormat {
  text,
  json,
  yaml
}
