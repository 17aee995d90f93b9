// Package serve is guesthunt's SSH server (guesthunt serve): each SSH
// session with a terminal gets its own workbench (package ui, which does not
// know it is remote) over one shared engine and verdict store; a session
// without a terminal may run hunt, report or kql on the served data.
//
// Every value a client sends (user name, environment, command, keys) is
// hostile: it is logged and echoed only through ui/textsafe, and a session
// never writes a file on the server.
package serve
