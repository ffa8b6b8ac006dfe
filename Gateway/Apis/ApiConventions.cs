namespace HotelBooking.Gateway.Apis;

internal static class ApiConventions
{
    /// <summary>Every route that calls a service can answer 503 (service down) or 504 (deadline exceeded).</summary>
    public static RouteGroupBuilder ProducesDownstreamProblems(this RouteGroupBuilder group) => group
        .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
        .ProducesProblem(StatusCodes.Status504GatewayTimeout);
}
