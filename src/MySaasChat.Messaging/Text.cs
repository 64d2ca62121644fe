namespace MySaasChat.Messaging;

internal static class Text
{
    /// <summary>Error texts kept with a message or row are bounded by their column or header size.</summary>
    public static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];
}
