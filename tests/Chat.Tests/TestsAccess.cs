
namespace Chat.Tests;

internal static class TestsAccess
{
    public static string OfflineAnswer(string question) => global::MySaasChat.Modules.Chat.Providers.OfflineChatClient.AnswerFor(question);
}
