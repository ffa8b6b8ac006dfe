using HotelBooking.Availability.Domain;

namespace HotelBooking.Availability.Quotes;

/// <summary>A stay to quote as the caller asked for it: a date is null when it was missing or not a date.</summary>
public readonly record struct QuoteCriteria(string HotelId, DateOnly? CheckIn, DateOnly? CheckOut, int Guests);

/// <summary>Criteria that can be quoted: a valid stay, for a valid number of guests, in a hotel that exists.</summary>
public sealed record QuoteTarget(Hotel Hotel, Stay Stay, int Guests);

/// <summary>One bad field of a request and why, in words for the caller.</summary>
public readonly record struct FieldProblem(string Field, string Message);

public enum CriteriaOutcome
{
    Quotable,
    Invalid,
    HotelNotFound,
}

/// <summary>
/// What <see cref="StayQuoter.Check"/> made of criteria: the <see cref="Target"/> to quote, or why not —
/// every bad field (<see cref="Problems"/>), or a hotel that does not exist.
/// </summary>
public sealed record CriteriaResult(CriteriaOutcome Outcome, QuoteCriteria Criteria, QuoteTarget? Target, IReadOnlyList<FieldProblem> Problems)
{
    public static CriteriaResult Quotable(QuoteCriteria criteria, QuoteTarget target) => new(CriteriaOutcome.Quotable, criteria, target, []);

    public static CriteriaResult Invalid(QuoteCriteria criteria, IReadOnlyList<FieldProblem> problems) => new(CriteriaOutcome.Invalid, criteria, null, problems);

    public static CriteriaResult HotelNotFound(QuoteCriteria criteria) => new(CriteriaOutcome.HotelNotFound, criteria, null, []);
}
