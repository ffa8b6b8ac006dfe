namespace HotelBooking.EndToEnd.Infrastructure;

public static class Eventually
{
    /// <summary>
    /// Reads until the value satisfies <paramref name="condition"/> or <paramref name="within"/> has passed, and
    /// returns the last value read: the caller asserts on it, so a failure shows what was seen.
    /// </summary>
    public static async Task<T> ReadAsync<T>(Func<Task<T>> read, Func<T, bool> condition, TimeSpan within)
    {
        var until = DateTime.UtcNow + within;
        while (true)
        {
            var value = await read();
            if (condition(value) || DateTime.UtcNow > until)
            {
                return value;
            }

            await Task.Delay(100);
        }
    }
}
