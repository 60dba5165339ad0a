/// Request bodies for groups, as JSON text.
package enum GroupJSON {
    /// The schema URN of a core Group.
    package static let groupSchema = "urn:ietf:params:scim:schemas:core:2.0:Group"

    /// Returns a body for `POST /Groups` (or `PUT /Groups/{id}`) with members given by user id.
    package static func create(displayName: String, memberIDs: [String] = [], externalId: String? = nil) -> String {
        let members = memberIDs.map { "{\"value\":\"\($0)\"}" }.joined(separator: ",")
        let externalMember = externalId.map { ",\"externalId\":\"\($0)\"" } ?? ""
        return """
            {"schemas":["\(groupSchema)"],"displayName":"\(displayName)"\(externalMember),"members":[\(members)]}
            """
    }

    /// Returns the operation text that adds members by user id.
    package static func addMembers(_ ids: [String]) -> String {
        let members = ids.map { "{\"value\":\"\($0)\"}" }.joined(separator: ",")
        return "{\"op\":\"add\",\"path\":\"members\",\"value\":[\(members)]}"
    }

    /// Returns the operation text that removes one member with a `members[value eq "…"]` path.
    package static func removeMember(_ id: String) -> String {
        "{\"op\":\"remove\",\"path\":\"members[value eq \\\"\(id)\\\"]\"}"
    }
}
