// NOTE: only the in-memory test store still relies on these failing defaults, because its listing is
// written on another branch. Delete this file when that branch is merged, so that a store without a
// listing no longer compiles.
extension ListingTransaction {
    package func users(teamID: Int64, listing: ResourceListing) throws(SCIMError) -> ListedUsers {
        throw .internalFailure("This store cannot list users by a ResourceListing yet.")
    }

    package func groups(teamID: Int64, listing: ResourceListing) throws(SCIMError) -> ListedGroups {
        throw .internalFailure("This store cannot list groups by a ResourceListing yet.")
    }
}
