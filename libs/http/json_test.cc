#include "libs/http/json.h"

#include "gtest/gtest.h"

namespace seckill::http {
namespace {

TEST(JsonTest, ErrorResponseHasStableShape) {
  Response r = ErrorResponse(409, "SOLD_OUT", "the activity is sold out");
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(r.body, R"({"error":{"code":"SOLD_OUT","message":"the activity is sold out"}})");
}

TEST(JsonTest, ParseRejectsMalformedAndNonObjects) {
  EXPECT_FALSE(ParseJsonObject("{", false).ok());
  EXPECT_FALSE(ParseJsonObject("[1]", false).ok());
  EXPECT_FALSE(ParseJsonObject("", false).ok());
  EXPECT_TRUE(ParseJsonObject("", true).ok());
}

TEST(JsonTest, FieldsRejectWrongTypesOutOfRangeAndUnknownFields) {
  auto object = ParseJsonObject(R"({"quantity":"1"})", false).value();
  JsonFields wrong_type(object);
  wrong_type.Int("quantity", false, 1, 10);
  EXPECT_EQ(wrong_type.Finish().message(), "field 'quantity' must be an integer");

  object = ParseJsonObject(R"({"quantity":1.5})", false).value();
  JsonFields fractional(object);
  fractional.Int("quantity", false, 1, 10);
  EXPECT_FALSE(fractional.Finish().ok());

  object = ParseJsonObject(R"({"quantity":99999999999999999999})", false).value();
  JsonFields huge(object);
  huge.Int("quantity", false, 1, 10);
  EXPECT_FALSE(huge.Finish().ok());

  object = ParseJsonObject(R"({"quantity":0})", false).value();
  JsonFields zero(object);
  zero.Int("quantity", false, 1, 10);
  EXPECT_EQ(zero.Finish().message(), "field 'quantity' must be between 1 and 10");

  object = ParseJsonObject(R"({"quantity":2,"extra":true})", false).value();
  JsonFields unknown(object);
  EXPECT_EQ(unknown.Int("quantity", false, 1, 10), 2);
  EXPECT_EQ(unknown.Finish().message(), "unknown field 'extra'");
}

TEST(JsonTest, RequiredFieldMissingIsNamed) {
  auto object = ParseJsonObject(R"({})", false).value();
  JsonFields fields(object);
  fields.String("username", true);
  EXPECT_EQ(fields.Finish().message(), "field 'username' is required");
}

}  // namespace
}  // namespace seckill::http
