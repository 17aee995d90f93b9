package live

import "errors"

// IsPermanent says whether a pull or query stopped for a reason that
// re-running will not fix (a missing role, a bad query, a refused sign-in,
// a cloud without the API): the CLI makes those exit status 2. Anything
// else is an interruption the same command resumes.
func IsPermanent(err error) bool {
	var p interface{ Permanent() bool }
	return errors.As(err, &p) && p.Permanent()
}
