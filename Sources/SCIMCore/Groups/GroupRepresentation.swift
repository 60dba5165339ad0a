/// Builds the JSON representation of a group for a profile.
package struct GroupRepresentation: Sendable {
    package let profile: Profile

    package init(profile: Profile) {
        self.profile = profile
    }

    /// Returns the group: `schemas`, `id`, `displayName`, `externalId`, `members` (when loaded) and
    /// `meta`. The `rfc` profile adds each member's `$ref` and `meta.location` and `meta.version`.
    package func render(_ group: GroupRecord, members: [GroupMember]?, baseURL: String) -> JSONValue {
        var object = JSONObject([
            ("schemas", .array([.string(Schema.groupURN)])),
            ("id", .string(group.id)),
            ("displayName", .string(group.displayName)),
        ])
        if let externalID = group.externalID { object.members.append(("externalId", .string(externalID))) }
        if let members {
            object.members.append(("members", .array(members.map { render($0, baseURL: baseURL) })))
        }
        var meta = JSONObject([
            ("resourceType", .string("Group")),
            ("created", .string(Timestamp.format(milliseconds: group.created))),
            ("lastModified", .string(Timestamp.format(milliseconds: group.lastModified))),
        ])
        if profile == .rfc {
            meta.members.append(("location", .string("\(baseURL)/Groups/\(group.id)")))
            meta.members.append(("version", .string(EntityTag.weak(version: group.version))))
        }
        object.members.append(("meta", .object(meta)))
        return .object(object)
    }

    private func render(_ member: GroupMember, baseURL: String) -> JSONValue {
        var object = JSONObject([("value", .string(member.userID))])
        if let display = member.display { object.members.append(("display", .string(display))) }
        if profile == .rfc {
            object.members.append(("$ref", .string("\(baseURL)/Users/\(member.userID)")))
            object.members.append(("type", .string(member.type ?? "User")))
        } else if let type = member.type {
            object.members.append(("type", .string(type)))
        }
        return .object(object)
    }
}
