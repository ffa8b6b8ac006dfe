namespace HotelBooking.Tests;

/// <summary>Figures a test measured, written to <c>artifacts/</c> at the repository root for the docs and CI logs.</summary>
public static class Artifacts
{
    public static void Write(string fileName, string content) => File.WriteAllText(PathFor(fileName), content);

    public static void WriteBytes(string fileName, byte[] content) => File.WriteAllBytes(PathFor(fileName), content);

    private static string PathFor(string fileName)
    {
        var folder = Path.Combine(RepositoryRoot.Path, "artifacts");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, fileName);
    }
}
