package demo

import (
	"strings"
	"time"
)

// grantRole logs "Add member to role" for the user objectID/upn, the role
// named on the user target's modified properties and as a Role target, as
// Entra writes it.
func (g *generator) grantRole(at time.Time, by initiatedBy, objectID, upn, role string) {
	roleID := stableGUID("role:" + role)
	g.emit(event{At: at, Operation: "Add member to role", Category: "RoleManagement", Service: "Core Directory",
		OpType: "Assign", By: by,
		Targets: []target{
			userTarget(objectID, "", upn,
				modifiedProperty{DisplayName: "Role.ObjectID", NewValue: jsonText(roleID)},
				modifiedProperty{DisplayName: "Role.DisplayName", NewValue: jsonText(role)},
				modifiedProperty{DisplayName: "Role.TemplateId", NewValue: jsonText(stableGUID("roletemplate:" + role))},
				modifiedProperty{DisplayName: "Role.WellKnownObjectName", NewValue: jsonText(strings.ReplaceAll(role, " ", ""))}),
			objectTarget(roleID, role, "Role"),
		}})
}

// addToGroup logs "Add member to group" for the user objectID/upn.
func (g *generator) addToGroup(at time.Time, by initiatedBy, objectID, displayName, upn, group string) {
	id := stableGUID("group:" + group)
	g.emit(event{At: at, Operation: "Add member to group", Category: "GroupManagement", Service: "Core Directory",
		OpType: "Assign", By: by,
		Targets: []target{
			userTarget(objectID, displayName, upn,
				modifiedProperty{DisplayName: "Group.ObjectID", NewValue: jsonText(id)},
				modifiedProperty{DisplayName: "Group.DisplayName", NewValue: jsonText(group)}),
			objectTarget(id, group, "Group"),
		}})
}
