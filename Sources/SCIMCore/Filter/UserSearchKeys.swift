/// The values a store keeps beside a user so that SQL can filter and sort it as ``FilterResolver``
/// defines.
///
/// Every string of an attribute that is not `caseExact` is folded with ``FilterResolver/fold(_:)`` in
/// Swift, because SQLite's `lower()` folds only ASCII and PostgreSQL's depends on the database's collation.
package struct UserSearchKeys: Sendable, Equatable {
    /// The attributes that have no column of their own (all but `id`, `userName`, `externalId`,
    /// `active` and `meta`), with canonical names, folded strings and no nulls. It is nil when there are none.
    package var document: JSONObject?
    /// The folded `displayName`.
    package var displayName: String?
    /// The folded `value` of each e-mail address, in order.
    package var emails: [String]

    /// Computes the keys of `user`.
    package init(_ user: UserRecord) {
        let source = UserPatcher.document(for: user)
        var document = JSONObject()
        for member in source.members {
            if member.key.lowercased() == Schema.enterpriseUserURN.lowercased() {
                let enterprise = SchemaAttribute(
                    Schema.enterpriseUserURN, .complex, subAttributes: Schema.enterpriseUser.attributes)
                if let folded = Self.fold(member.value, as: enterprise) { document.set(enterprise.name, folded) }
                continue
            }
            guard let attribute = Schema.user.attribute(named: member.key),
                !["userName", "externalId", "active", "id", "meta", "password", "groups"].contains(attribute.name),
                let folded = Self.fold(member.value, as: attribute)
            else { continue }
            document.set(attribute.name, folded)
        }
        self.document = document.members.isEmpty ? nil : document
        self.displayName = document["displayName"]?.stringValue
        self.emails = (document["emails"]?.arrayValue ?? []).compactMap { $0.objectValue?["value"]?.stringValue }
    }

    /// Returns `value` with the strings of attributes that are not `caseExact` folded, canonical
    /// sub-attribute names, and nulls removed; nil for null.
    private static func fold(_ value: JSONValue, as attribute: SchemaAttribute) -> JSONValue? {
        switch value {
        case .null:
            return nil
        case .string(let text):
            return .string(attribute.caseExact ? text : FilterResolver.fold(text))
        case .array(let items):
            return .array(items.compactMap { fold($0, as: attribute) })
        case .object(let object):
            var folded = JSONObject()
            for member in object.members {
                guard let sub = attribute.subAttribute(named: member.key),
                    let value = fold(member.value, as: sub)
                else { continue }
                folded.set(sub.name, value)
            }
            return .object(folded)
        default:
            return value
        }
    }
}
