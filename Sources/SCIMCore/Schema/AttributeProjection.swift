/// The `attributes` and `excludedAttributes` parameters (RFC 7644 §3.4.2.5) applied to a resource.
///
/// With `attributes`, a response carries only the named attributes plus those always returned
/// (`schemas`, `id`); with `excludedAttributes`, everything but the named ones. Names may be
/// URN-qualified and may name a sub-attribute (`name.givenName`); they match without regard to case.
/// The `returned` characteristic of RFC 7643 §7 decides the rest: attributes returned `always` stay
/// even when excluded, those returned `request` appear only when `attributes` names them, and those
/// returned `never` (`password`) never appear.
package struct AttributeProjection: Sendable, Equatable {
    private var included: [AttributePath]?
    private var excluded: [AttributePath]

    /// The projection that keeps every attribute.
    package static let all = AttributeProjection(included: nil, excluded: [])

    private init(included: [AttributePath]?, excluded: [AttributePath]) {
        self.included = included
        self.excluded = excluded
    }

    /// Parses the comma-separated parameters; `attributes` wins when both are given.
    /// - Throws: `invalidValue` for a name that is not an attribute path.
    package init(attributes: String?, excludedAttributes: String?) throws(SCIMError) {
        if let attributes, !attributes.trimmingSpaces().isEmpty {
            self.init(included: try Self.parseList(attributes, parameter: "attributes"), excluded: [])
        } else if let excludedAttributes, !excludedAttributes.trimmingSpaces().isEmpty {
            self.init(included: nil, excluded: try Self.parseList(excludedAttributes, parameter: "excludedAttributes"))
        } else {
            self = .all
        }
    }

    /// Whether a top-level attribute of the core schema appears in the projected resource.
    package func includes(_ name: String) -> Bool {
        let lowered = name.lowercased()
        if Self.alwaysReturned.contains(lowered) { return true }
        if Self.neverReturned.contains(lowered) { return false }
        if let included {
            return included.contains { $0.name.lowercased() == lowered }
        }
        if Self.returnedOnRequest.contains(lowered) { return false }
        return !excluded.contains { $0.name.lowercased() == lowered && $0.subAttribute == nil }
    }

    /// Returns `resource` with the projection applied; extension objects are projected by their names.
    package func apply(to resource: JSONValue) -> JSONValue {
        guard case .object(let object) = resource else { return resource }
        let hasHidden = object.members.contains { Self.hiddenByDefault.contains($0.key.lowercased()) }
        guard included != nil || !excluded.isEmpty || hasHidden else { return resource }
        var result = JSONObject()
        for member in object.members {
            if let projected = project(member.key, member.value) { result.members.append((member.key, projected)) }
        }
        return .object(result)
    }

    /// The lowercased names of the top-level core attributes with each `returned` characteristic, from
    /// the User and Group schemas. No name has different characteristics in the two.
    private static let alwaysReturned = names(returned: .always).union(["schemas"])
    private static let returnedOnRequest = names(returned: .request)
    private static let neverReturned = names(returned: .never)
    private static let hiddenByDefault = neverReturned.union(returnedOnRequest)

    private static func names(returned: SchemaAttribute.Returned) -> Set<String> {
        let attributes = Schema.user.attributes + Schema.group.attributes
        return Set(attributes.filter { $0.returned == returned }.map { $0.name.lowercased() })
    }

    /// Whether `attributes` names this top-level attribute, given in lower case.
    private func isRequested(_ lowered: String) -> Bool {
        included?.contains { $0.name.lowercased() == lowered } ?? false
    }

    private func project(_ key: String, _ value: JSONValue) -> JSONValue? {
        let lowered = key.lowercased()
        if Self.alwaysReturned.contains(lowered) { return value }
        if Self.neverReturned.contains(lowered) { return nil }
        if Self.returnedOnRequest.contains(lowered), !isRequested(lowered) { return nil }
        if lowered.hasPrefix("urn:"), let object = value.objectValue {
            let inner = object.members.compactMap { member -> (key: String, value: JSONValue)? in
                let path = AttributePath(schema: key, name: member.key)
                return keeps(path) ? (member.key, member.value) : nil
            }
            return inner.isEmpty ? nil : .object(JSONObject(inner))
        }
        if let included {
            let named = included.filter { $0.name.lowercased() == lowered }
            guard !named.isEmpty else { return nil }
            if named.contains(where: { $0.subAttribute == nil }) { return value }
            return keepSubAttributes(value, named.compactMap(\.subAttribute), keep: true)
        }
        let named = excluded.filter { $0.name.lowercased() == lowered }
        if named.contains(where: { $0.subAttribute == nil }) { return nil }
        if named.isEmpty { return value }
        return keepSubAttributes(value, named.compactMap(\.subAttribute), keep: false)
    }

    private func keeps(_ path: AttributePath) -> Bool {
        let matches: (AttributePath) -> Bool = {
            $0.schema?.lowercased() == path.schema?.lowercased() && $0.name.lowercased() == path.name.lowercased()
        }
        if let included { return included.contains(where: matches) }
        return !excluded.contains(where: matches)
    }

    private func keepSubAttributes(_ value: JSONValue, _ names: [String], keep: Bool) -> JSONValue? {
        let lowered = Set(names.map { $0.lowercased() })
        func filterObject(_ object: JSONObject) -> JSONObject {
            JSONObject(object.members.filter { lowered.contains($0.key.lowercased()) == keep })
        }
        switch value {
        case .object(let object): return .object(filterObject(object))
        case .array(let items): return .array(items.map { $0.objectValue.map { .object(filterObject($0)) } ?? $0 })
        default: return keep ? nil : value
        }
    }

    private static func parseList(_ text: String, parameter: String) throws(SCIMError) -> [AttributePath] {
        var paths: [AttributePath] = []
        for item in text.split(separator: ",") {
            let name = String(item).trimmingSpaces()
            guard !name.isEmpty else { continue }
            do {
                guard case .comparison(let path, .pr, nil) = try FilterParser.parse(name + " pr") else {
                    throw SCIMError.invalidValue("")
                }
                paths.append(path)
            } catch {
                throw .invalidValue("'\(name.prefix(100))' in '\(parameter)' is not an attribute name.")
            }
        }
        return paths
    }
}
