namespace HotelBooking.Tests;

/// <summary>The checkout the tests run from (the folder of HotelBooking.sln), for tests that read or write its files.</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "HotelBooking.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No HotelBooking.sln above {AppContext.BaseDirectory}.");
    }
}
