package import SCIMCore

/// Translates a ``ResolvedFilter`` into one SQL condition over the `users AS u` or `groups AS g` row,
/// with the same meaning as ``FilterEvaluator`` (RFC 7644 §3.4.2.2).
///
/// Every condition it returns is true or false, never NULL, so that `NOT` inverts it exactly. Strings
/// compare by Unicode code point: attributes that are not `caseExact` through the keys folded in Swift
/// (`user_name_key`, `display_name_key`, `search_keys`, `user_emails.value_key`, `group_members.display_key`
/// and `type_key`), the others through their stored text.
package struct SQLFilterTranslator {
    /// The resource type a filter selects.
    package enum Resource: Sendable {
        case users, groups
    }

    package let dialect: any SQLDialect
    package let resource: Resource
    /// The parameters of the condition, in placeholder order.
    package private(set) var parameters: [SQLParameter] = []
    /// The placeholder of the team id, bound first.
    private(set) var team = ""
    private var aliasCount = 0

    /// Starts a translation whose first parameter is the team id.
    package init(dialect: any SQLDialect, resource: Resource, teamID: Int64) {
        self.dialect = dialect
        self.resource = resource
        self.team = bind(.integer(teamID))
    }

    /// The placeholder of the team id.
    package var teamPlaceholder: String { team }

    /// The row's table alias: `u` or `g`.
    package var row: String { resource == .users ? "u" : "g" }

    /// Binds a parameter and returns its placeholder.
    package mutating func bind(_ parameter: SQLParameter) -> String {
        parameters.append(parameter)
        return dialect.placeholder(parameters.count, for: parameter)
    }

    /// Returns the SQL condition of `filter`.
    /// - Throws: `invalidFilter` for an attribute scimd stores nowhere it can compare.
    package mutating func condition(_ filter: ResolvedFilter) throws(SCIMError) -> String {
        switch filter {
        case .and(let left, let right):
            return "(\(try condition(left)) AND \(try condition(right)))"
        case .or(let left, let right):
            return "(\(try condition(left)) OR \(try condition(right)))"
        case .not(let inner):
            return "(NOT \(try condition(inner)))"
        case .present(let attribute):
            return try presence(attribute)
        case .comparison(let attribute, let op, let literal):
            return try comparison(attribute, op, literal)
        case .valuePath(let attribute, let inner):
            return try valuePath(attribute, inner)
        }
    }

    // MARK: - Sources

    /// The storage of an attribute's values.
    enum Source {
        /// One value: a column, a constant or a JSON member of the row.
        case scalar(String, SchemaAttribute.DataType)
        /// Milliseconds since 1970 in an integer column.
        case milliseconds(String)
        /// The folded e-mail values in `user_emails`.
        case emailValues
        /// The elements of a JSON array in `u.search_keys`, compared by `subAttribute`.
        case jsonArray(keys: [String], subAttribute: String?)
        /// The rows of `group_members`, compared by `subAttribute`.
        case members(subAttribute: String?)
        /// A singular complex attribute: a JSON object in `u.search_keys`, or `meta`, which every resource has.
        case object(keys: [String]?)
    }

    func source(_ attribute: ResolvedAttribute) throws(SCIMError) -> Source {
        if attribute.name == "meta" { return try metaSource(attribute.subAttribute) }
        switch (resource, attribute.isCore ? attribute.name : "", attribute.subAttribute) {
        case (_, "id", nil): return .scalar("\(row).id", .string)
        case (_, "externalId", nil): return .scalar("\(row).external_id", .string)
        case (.users, "userName", nil): return .scalar("u.user_name_key", .string)
        // An expression, not the bare column, so that SQLite never picks the (team_id, active, seq) index
        // of the postman listings. With `active eq true` beside an indexed condition, that index made it
        // walk every active user of the team instead of the few that the other condition selects.
        case (.users, "active", nil): return .scalar("(u.active OR false)", .boolean)
        case (.users, "displayName", nil): return .scalar("u.display_name_key", .string)
        case (.users, "emails", "value"): return .emailValues
        case (.groups, "displayName", nil): return .scalar("g.display_name_key", .string)
        case (.groups, "members", let sub): return .members(subAttribute: sub)
        case (.groups, _, _):
            throw .invalidFilter("Groups cannot be filtered by '\(attribute.dottedName)'.")
        default:
            break
        }
        let keys = (attribute.isCore ? [] : [attribute.schema]) + [attribute.name]
        if attribute.multiValued { return .jsonArray(keys: keys, subAttribute: attribute.subAttribute) }
        if let sub = attribute.subAttribute {
            return .scalar(jsonValue("u.search_keys", keys + [sub], attribute.type), attribute.type)
        }
        if attribute.type == .complex { return .object(keys: keys) }
        return .scalar(jsonValue("u.search_keys", keys, attribute.type), attribute.type)
    }

    private func metaSource(_ sub: String?) throws(SCIMError) -> Source {
        switch sub {
        case nil: return .object(keys: nil)
        case "created"?: return .milliseconds("\(row).created")
        case "lastModified"?: return .milliseconds("\(row).last_modified")
        case "resourceType"?: return .scalar(resource == .users ? "'User'" : "'Group'", .string)
        case "version"?: return .scalar(dialect.versionTag("\(row).version"), .string)
        default: throw .invalidFilter("'meta.\(sub ?? "")' cannot be used in a filter.")
        }
    }

    func jsonValue(_ base: String, _ keys: [String], _ type: SchemaAttribute.DataType) -> String {
        type == .boolean ? dialect.jsonBoolean(base, keys) : dialect.jsonText(base, keys)
    }

    /// Returns the SQL value of sub-attribute `sub` of a `group_members AS m` row joined to `users AS mu`.
    func memberValue(_ sub: String?) throws(SCIMError) -> String {
        switch sub ?? "value" {
        case "value": return "m.user_id"
        case "display": return "coalesce(m.display_key, mu.user_name_key)"
        case "type": return "coalesce(m.type_key, 'user')"
        default: throw .invalidFilter("Groups cannot be filtered by 'members.\(sub ?? "")'.")
        }
    }

    mutating func nextAlias() -> String {
        aliasCount += 1
        return "e\(aliasCount)"
    }

    // MARK: - Presence

    private mutating func presence(_ attribute: ResolvedAttribute) throws(SCIMError) -> String {
        switch try source(attribute) {
        case .scalar(let expression, let type):
            return scalarPresence(expression, type)
        case .milliseconds:
            return dialect.trueCondition
        case .emailValues:
            return "u.id IN (SELECT e.user_id FROM user_emails AS e WHERE e.team_id = \(team) AND e.value_key <> '')"
        case .jsonArray(let keys, let sub):
            let alias = nextAlias()
            guard let sub else {
                // A multi-valued complex attribute is present when one of its elements has a member.
                return "EXISTS (SELECT 1 FROM \(dialect.jsonElements("u.search_keys", keys, alias: alias)) "
                    + "WHERE \(dialect.jsonHasMembers("\(alias).value", [])))"
            }
            let element = jsonValue("\(alias).value", [sub], attribute.type)
            return "EXISTS (SELECT 1 FROM \(dialect.jsonElements("u.search_keys", keys, alias: alias)) "
                + "WHERE \(scalarPresence(element, attribute.type)))"
        case .members(let sub):
            guard sub != nil else { return "EXISTS (SELECT 1 FROM group_members AS m WHERE m.group_id = g.id)" }
            return memberExists("\(try memberValue(sub)) <> ''")
        case .object(let keys):
            guard let keys else { return dialect.trueCondition }
            return dialect.jsonHasMembers("u.search_keys", keys)
        }
    }

    /// RFC 7644 §3.4.2.2 `pr`: a non-empty value.
    func scalarPresence(_ expression: String, _ type: SchemaAttribute.DataType) -> String {
        switch type {
        case .string, .reference, .binary, .dateTime: "coalesce(\(expression), '') <> ''"
        default: "\(expression) IS NOT NULL"
        }
    }

    func memberExists(_ condition: String) -> String {
        "EXISTS (SELECT 1 FROM group_members AS m JOIN users AS mu ON mu.id = m.user_id "
            + "WHERE m.group_id = g.id AND \(condition))"
    }
}
