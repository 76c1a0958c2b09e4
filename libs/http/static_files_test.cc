#include "libs/http/static_files.h"

#include <filesystem>
#include <fstream>
#include <string>

#include "gtest/gtest.h"

namespace seckill::http {
namespace {

namespace fs = std::filesystem;

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("static-files-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "inner");
    Write("index.html", "<!doctype html><title>shop</title>");
    Write("store.js", "export const x = 1;\n");
    Write("inner/secret.txt", "not served");
    std::ofstream(dir_.parent_path() / "outside.txt") << "not served either";
  }
  void TearDown() override { fs::remove_all(dir_); }
  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name, std::ios::binary) << text;
  }
  static std::string HeaderOf(const Response& r, const std::string& name) {
    for (const auto& [key, value] : r.headers) {
      if (key == name) return value;
    }
    return "";
  }

  fs::path dir_;
};

TEST_F(StaticFilesTest, ServesTheFolderFilesWithTheirTypesAndAStrictPolicy) {
  const absl::StatusOr<StaticFiles> files = StaticFiles::Load(dir_.string());
  ASSERT_TRUE(files.ok()) << files.status();
  EXPECT_EQ(files->size(), 2u) << "the subfolder's files are not the folder's";
  const std::optional<Response> page = files->Serve("index.html", "");
  ASSERT_TRUE(page.has_value());
  EXPECT_EQ(page->status, 200);
  EXPECT_EQ(page->body, "<!doctype html><title>shop</title>");
  EXPECT_EQ(page->content_type, "text/html; charset=utf-8");
  EXPECT_NE(HeaderOf(*page, "Content-Security-Policy").find("script-src 'self'"),
            std::string::npos);
  EXPECT_EQ(HeaderOf(*page, "X-Content-Type-Options"), "nosniff");
  const std::optional<Response> script = files->Serve("store.js", "");
  ASSERT_TRUE(script.has_value());
  EXPECT_EQ(script->content_type, "text/javascript; charset=utf-8");
  EXPECT_NE(HeaderOf(*script, "ETag"), HeaderOf(*page, "ETag"));
}

TEST_F(StaticFilesTest, NoNameReachesAFileOutsideTheTable) {
  const absl::StatusOr<StaticFiles> files = StaticFiles::Load(dir_.string());
  ASSERT_TRUE(files.ok()) << files.status();
  for (const char* name : {"../outside.txt", "inner/secret.txt", "secret.txt", "", ".",
                           "%2e%2e/outside.txt", "index.html/", "/index.html", "INDEX.HTML"}) {
    EXPECT_FALSE(files->Serve(name, "").has_value()) << name;
  }
}

TEST_F(StaticFilesTest, AKnownETagIsAnswered304WithoutABody) {
  const absl::StatusOr<StaticFiles> files = StaticFiles::Load(dir_.string());
  ASSERT_TRUE(files.ok()) << files.status();
  const std::string etag = HeaderOf(*files->Serve("store.js", ""), "ETag");
  ASSERT_FALSE(etag.empty());
  for (const std::string& sent : {etag, "W/" + etag, "\"other\", " + etag, std::string("*")}) {
    const std::optional<Response> again = files->Serve("store.js", sent);
    ASSERT_TRUE(again.has_value());
    EXPECT_EQ(again->status, 304) << sent;
    EXPECT_TRUE(again->body.empty());
  }
  EXPECT_EQ(files->Serve("store.js", "\"other\"")->status, 200);
}

TEST_F(StaticFilesTest, AMissingFolderOrAnOversizedFileIsAClearError) {
  const absl::StatusOr<StaticFiles> missing = StaticFiles::Load((dir_ / "nope").string());
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("does not exist"), std::string::npos);
  Write("big.bin", std::string(StaticFiles::kMaxFileBytes + 1, 'x'));
  const absl::StatusOr<StaticFiles> big = StaticFiles::Load(dir_.string());
  EXPECT_EQ(big.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(big.status().message().find("big.bin"), std::string::npos);
}

}  // namespace
}  // namespace seckill::http
