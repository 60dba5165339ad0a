/// A SCIM operation, named so that errors can carry the texts that belong to it.
package enum Operation: String, Sendable {
    case listUsers
    case getUser
    case createUser
    case replaceUser
    case patchUser
    case deleteUser
    case listGroups
    case getGroup
    case createGroup
    case replaceGroup
    case patchGroup
    case deleteGroup
    case discovery
}
