/// Applies PATCH operations (RFC 7644 §3.5.2) to a resource held as JSON, for every resource type.
///
/// Attributes keep their schema spelling in the document; extension attributes sit under their schema
/// URN. A multi-valued attribute stored as rows (a group's `members`) is not in the document: its
/// operations go to a ``PatchCollection``, so their cost grows with the change, not the group.
package struct PatchEngine {
    /// The resource's schemas: the core schema first, then its extensions.
    package let schemas: [Schema]
    /// Whether to follow real clients where they depart from the RFC: a filtered `replace` that matches
    /// nothing creates the value (Entra ID), and a filtered `remove` that matches nothing succeeds.
    package let tolerant: Bool
    /// The name of the attribute kept in `collection`, if any.
    package let collectionAttribute: String?

    package init(schemas: [Schema], tolerant: Bool, collectionAttribute: String? = nil) {
        self.schemas = schemas
        self.tolerant = tolerant
        self.collectionAttribute = collectionAttribute
    }

    /// Applies every operation in order to `document` (and `collection`). On a throw the caller
    /// discards both, so the request applies completely or not at all.
    /// - Throws: `invalidPath`, `invalidValue`, `mutability` or `noTarget`.
    package func apply(
        _ request: PatchRequest, to document: inout JSONObject, resourceID: String,
        collection: inout (any PatchCollection)?
    ) throws(SCIMError) {
        for operation in request.operations {
            if let path = operation.path {
                try apply(operation.kind, path, operation.value, &document, resourceID, &collection)
            } else {
                try applyPathless(operation.kind, operation.value, &document, resourceID, &collection)
            }
        }
    }

    private func applyPathless(
        _ kind: PatchRequest.Operation.Kind, _ value: JSONValue?, _ document: inout JSONObject, _ resourceID: String,
        _ collection: inout (any PatchCollection)?
    ) throws(SCIMError) {
        guard let object = value?.objectValue else {
            throw .invalidValue("An '\(kind.rawValue)' without a path needs an object value.")
        }
        for member in object.members {
            let key = member.key.lowercased()
            if key == "schemas" || key == "meta" { continue }
            if let schema = schemas.first(where: { $0.id.lowercased() == key }), let inner = member.value.objectValue {
                for innerMember in inner.members {
                    let path = try PatchPath.parse("\(schema.id):\(innerMember.key)")
                    try apply(kind, path, innerMember.value, &document, resourceID, &collection)
                }
                continue
            }
            try apply(kind, try PatchPath.parse(member.key), member.value, &document, resourceID, &collection)
        }
    }

    private func apply(
        _ kind: PatchRequest.Operation.Kind, _ path: PatchPath, _ value: JSONValue?, _ document: inout JSONObject,
        _ resourceID: String, _ collection: inout (any PatchCollection)?
    ) throws(SCIMError) {
        if let schema = extensionSchema(named: path) {
            try applyToExtension(kind, schema, value, &document, resourceID, &collection)
            return
        }
        let target = try resolve(path)
        if target.attribute.name == collectionAttribute, target.schema.id == schemas.first?.id, var rows = collection {
            try applyToCollection(kind, target, value, &rows)
            collection = rows
            return
        }
        try checkRequired(kind, target, value)
        try checkMutability(target, value, document, resourceID)
        if target.attribute.mutability == .readOnly || target.subAttribute?.mutability == .readOnly { return }
        var container = target.isExtension ? (document[target.schema.id]?.objectValue ?? JSONObject()) : document
        try applyToAttribute(kind, target, value, &container)
        if target.isExtension {
            document.set(target.schema.id, .object(container))
        } else {
            document = container
        }
    }

    /// Returns the extension schema a path names as a whole, such as the enterprise User URN.
    private func extensionSchema(named path: PatchPath) -> Schema? {
        guard path.valueFilter == nil, path.attribute.subAttribute == nil, let schemaPart = path.attribute.schema
        else { return nil }
        let urn = "\(schemaPart):\(path.attribute.name)".lowercased()
        return schemas.dropFirst().first { $0.id.lowercased() == urn }
    }

    /// Applies an operation whose path is an extension's URN: `add` and `replace` apply each key of the
    /// object value under that schema, and `remove` removes every attribute of the extension.
    private func applyToExtension(
        _ kind: PatchRequest.Operation.Kind, _ schema: Schema, _ value: JSONValue?, _ document: inout JSONObject,
        _ resourceID: String, _ collection: inout (any PatchCollection)?
    ) throws(SCIMError) {
        if kind == .remove {
            document.remove(schema.id)
            return
        }
        guard let object = value?.objectValue else {
            throw .invalidValue("A value for '\(schema.id)' must be an object.")
        }
        for member in object.members where !["schemas", "meta"].contains(member.key.lowercased()) {
            let path = try PatchPath.parse("\(schema.id):\(member.key)")
            try apply(kind, path, member.value, &document, resourceID, &collection)
        }
    }

    /// Rejects removing a required attribute, by `remove` or by a `null` value: RFC 7644 §3.5.2.2 wants
    /// `mutability` for an attribute that would become unassigned although it is required.
    private func checkRequired(_ kind: PatchRequest.Operation.Kind, _ target: Target, _ value: JSONValue?)
        throws(SCIMError)
    {
        guard target.attribute.required, target.subAttribute == nil, target.filter == nil,
            kind == .remove || value == .null
        else { return }
        throw .mutability("'\(target.attribute.name)' is required and cannot be removed.")
    }

    /// Checks the mutability of RFC 7643 §7: an unchanged read-only value is ignored (Okta sends the
    /// group's own `id` in a rename); a changed one, or a change to a set immutable value, is rejected.
    private func checkMutability(_ target: Target, _ value: JSONValue?, _ document: JSONObject, _ resourceID: String)
        throws(SCIMError)
    {
        let attribute = target.attribute
        if let sub = target.subAttribute, sub.mutability == .readOnly, target.filter == nil {
            let container = target.isExtension ? document[target.schema.id]?.objectValue : document
            let current = container?[attribute.name]?.objectValue?[sub.name]
            guard value != nil, value == current else {
                throw .mutability("'\(attribute.name).\(sub.name)' is read-only.")
            }
        }
        switch attribute.mutability {
        case .readOnly:
            let current: JSONValue? = attribute.name == "id" ? .string(resourceID) : document[attribute.name]
            guard
                value == nil || value == current
                    || (attribute.name != "id" && target.subAttribute == nil && value == .array([]))
            else { throw .mutability("'\(attribute.name)' is read-only.") }
        case .immutable:
            if document[attribute.name] != nil, value != document[attribute.name] {
                throw .mutability("'\(attribute.name)' is immutable and already set.")
            }
        case .readWrite, .writeOnly:
            break
        }
    }
}

/// A multi-valued attribute stored outside the document, such as a group's members.
package protocol PatchCollection {
    /// Adds values whose `value` is not present yet.
    mutating func add(_ values: [JSONObject]) throws(SCIMError)
    /// Removes the values whose `value` is one of `values`; returns how many were removed.
    mutating func remove(values: [String]) throws(SCIMError) -> Int
    /// Removes the values matching `filter`, or all when it is nil; returns how many were removed.
    mutating func remove(matching filter: Filter?) throws(SCIMError) -> Int
    /// Replaces every value.
    mutating func replaceAll(_ values: [JSONObject]) throws(SCIMError)
}

extension PatchEngine {
    /// A resolved path: its schema and attribute definition, and the parts of a value path.
    struct Target {
        var schema: Schema
        var isExtension: Bool
        var attribute: SchemaAttribute
        var subAttribute: SchemaAttribute?
        var filter: Filter?
        var filterSubAttribute: SchemaAttribute?
        var text: String
    }

    func resolve(_ path: PatchPath) throws(SCIMError) -> Target {
        let attributePath = path.attribute
        let schema: Schema?
        if let urn = attributePath.schema?.lowercased() {
            schema = schemas.first { $0.id.lowercased() == urn }
        } else {
            schema = schemas.first { $0.attribute(named: attributePath.name) != nil }
        }
        guard let schema, let attribute = schema.attribute(named: attributePath.name) else {
            throw .invalidPath("The path '\(path)' names no attribute of this resource.")
        }
        var target = Target(
            schema: schema, isExtension: schema.id != schemas.first?.id, attribute: attribute, text: path.text)
        if let subName = attributePath.subAttribute {
            guard let sub = attribute.subAttribute(named: subName) else {
                throw .invalidPath("'\(attribute.name)' has no sub-attribute '\(subName)'.")
            }
            target.subAttribute = sub
        }
        if let filter = path.valueFilter {
            guard attribute.multiValued else { throw .invalidPath("'\(attribute.name)' is not multi-valued.") }
            target.filter = filter
            if let subName = path.valueSubAttribute {
                guard let sub = attribute.subAttribute(named: subName) else {
                    throw .invalidPath("'\(attribute.name)' has no sub-attribute '\(subName)'.")
                }
                target.filterSubAttribute = sub
            }
        }
        return target
    }
}
