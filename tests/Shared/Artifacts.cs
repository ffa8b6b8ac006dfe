namespace HotelBooking.Tests;

/// <summary>Figures a test measured, written to <c>artifacts/</c> at the repository root for docs/benchmarks.md and CI logs.</summary>
public static class Artifacts
{
    public static void Write(string fileName, string content) => File.WriteAllText(PathFor(fileName), content);

    public static void WriteBytes(string fileName, byte[] content) => File.WriteAllBytes(PathFor(fileName), content);

    private static string PathFor(string fileName)
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "HotelBooking.sln")))
        {
            directory = directory.Parent;
        }

        var folder = Path.Combine(directory?.FullName ?? AppContext.BaseDirectory, "artifacts");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, fileName);
    }
}
