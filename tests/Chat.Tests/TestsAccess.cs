extern alias chat;

namespace Chat.Tests;

internal static class TestsAccess
{
    public static string OfflineAnswer(string question) => chat::MySaasChat.Modules.Chat.Providers.OfflineChatClient.AnswerFor(question);
}
