/// A listing as the `rfc` profile requests it: any filter of RFC 7644 §3.4.2.2, an order, and a page
/// chosen by index (RFC 7644 §3.4.2.4) or by cursor (RFC 9865).
package struct ResourceListing: Sendable, Equatable {
    /// The filter every listed resource matches, or nil to list them all.
    package var filter: Filter?
    /// The attribute to sort by, or nil for creation order.
    package var sortBy: AttributePath?
    package var descending: Bool
    package var page: ListingPage

    package init(filter: Filter? = nil, sortBy: AttributePath? = nil, descending: Bool = false, page: ListingPage) {
        self.filter = filter
        self.sortBy = sortBy
        self.descending = descending
        self.page = page
    }
}

/// The part of a listing to return.
package enum ListingPage: Sendable, Equatable {
    /// The `count` resources from the 1-based `startIndex`; a count of 0 returns only the total.
    case index(startIndex: Int, count: Int)
    /// The `count` resources after `position` in the listing's order, or from its start when nil.
    /// The store seeks to the position through an index, so every page costs the same.
    case after(ListingPosition?, count: Int)
}

/// The place of one resource in a listing's order: its sort key and its creation sequence number,
/// which breaks ties. A cursor carries the position of the last resource of its page.
package struct ListingPosition: Sendable, Equatable, Hashable {
    /// The value of the `sortBy` attribute, or nil when the listing has no `sortBy`.
    package var sortKey: ListingSortKey?
    package var seq: Int64

    package init(sortKey: ListingSortKey? = nil, seq: Int64) {
        self.sortKey = sortKey
        self.seq = seq
    }
}

/// A sort key as a cursor stores it. Strings are compared as the attribute's `caseExact` requires, dates as
/// instants in milliseconds, and a resource without the attribute sorts last in ascending order.
package enum ListingSortKey: Sendable, Equatable, Hashable {
    case string(String)
    case integer(Int64)
    case decimal(Double)
    case bool(Bool)
    case missing
}

/// One page of a user listing.
package struct ListedUsers: Sendable, Equatable {
    /// The number of users that match the filter in all.
    package var totalResults: Int
    package var users: [UserRecord]
    /// The position of the last user on this page when more users follow it, else nil.
    package var next: ListingPosition?

    package init(totalResults: Int, users: [UserRecord], next: ListingPosition?) {
        self.totalResults = totalResults
        self.users = users
        self.next = next
    }
}

/// One page of a group listing.
package struct ListedGroups: Sendable, Equatable {
    /// The number of groups that match the filter in all.
    package var totalResults: Int
    package var groups: [GroupRecord]
    /// The position of the last group on this page when more groups follow it, else nil.
    package var next: ListingPosition?

    package init(totalResults: Int, groups: [GroupRecord], next: ListingPosition?) {
        self.totalResults = totalResults
        self.groups = groups
        self.next = next
    }
}

/// The listing operations of a transaction for the `rfc` profile.
package protocol ListingTransaction {
    /// Returns one page of a team's users that match `listing.filter`, in the listing's order.
    /// - Throws: `invalidFilter` for a filter that names no attribute of the User schema.
    func users(teamID: Int64, listing: ResourceListing) throws(SCIMError) -> ListedUsers

    /// Returns one page of a team's groups that match `listing.filter`, in the listing's order.
    /// - Throws: `invalidFilter` for a filter that names no attribute of the Group schema.
    func groups(teamID: Int64, listing: ResourceListing) throws(SCIMError) -> ListedGroups
}
